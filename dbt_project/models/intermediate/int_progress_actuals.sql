-- Actual value of every plan indicator, for the district and each zone, as of the latest
-- reported quarter (definitions: design.md §4 "Decisions", seed plan_indicators).
with as_of as (
    select * from {{ ref('int_as_of') }}
),
carriers as (
    select
        carrier_id,
        zone_code
    from {{ ref('int_carriers') }}
),
reports as (
    select
        reports.*,
        carriers.zone_code
    from {{ ref('stg_inbox__carrier_period_report') }} as reports
    inner join as_of on reports.period = as_of.as_of_period
    left join carriers using (carrier_id)
),
-- roster rows of the plan period up to the as-of quarter
roster as (
    select
        roster.*,
        carriers.zone_code
    from {{ ref('stg_inbox__incubatee_roster') }} as roster
    cross join as_of
    left join carriers using (carrier_id)
    where
        roster.period >= '{{ var("plan_start_period") }}'
        and roster.period <= as_of.as_of_period
),
reporting_carriers as (
    select distinct carrier_id from reports
),
recognitions as (
    select recognitions.*
    from {{ ref('stg_inbox__carrier_recognition') }} as recognitions
    cross join as_of
    where
        recognitions.status = '有效'
        and recognitions.recognized_date <= as_of.as_of_date
        and (recognitions.valid_until is null or recognitions.valid_until >= as_of.as_of_date)
),
scopes as (
    select
        'district' as scope,
        null as zone_code
    union all
    select
        zone_code as scope,
        zone_code
    from {{ ref('zones') }}
),
-- enterprises 在孵 at more than one carrier in the as-of quarter count once per scope
active_enterprises as (
    select
        roster.uscc,
        roster.carrier_id,
        roster.zone_code
    from roster
    inner join as_of on roster.period = as_of.as_of_period
    -- only carriers whose period report counts them in the as-of quarter
    inner join reporting_carriers using (carrier_id)
    where
        roster.entity_kind = '企业'
        and roster.status = '在孵'
        and roster.uscc is not null
),
carriers_per_enterprise as (
    select
        scopes.scope,
        active_enterprises.uscc,
        count(distinct active_enterprises.carrier_id) as n_carriers
    from scopes
    inner join active_enterprises
        on scopes.zone_code is null or scopes.zone_code = active_enterprises.zone_code
    group by scopes.scope, active_enterprises.uscc
),
overlap as (
    select
        scope,
        sum(n_carriers - 1) as extra_count
    from carriers_per_enterprise
    group by scope
),
area_and_entities as (
    select
        scopes.scope,
        sum(reports.area_m2_eop) as carrier_area_m2,
        -- null, not 0, when no carrier of the scope reported the quarter
        sum(reports.incubatees_eop + reports.teams_eop) as incubated_entities_reported,
        count(reports.carrier_id) as carriers_reporting
    from scopes
    left join reports
        on scopes.zone_code is null or scopes.zone_code = reports.zone_code
    group by scopes.scope
),
tech_enterprises as (
    select
        scopes.scope,
        count(distinct roster.uscc) as tech_enterprises
    from scopes
    left join roster
        on
            (scopes.zone_code is null or scopes.zone_code = roster.zone_code)
            and roster.is_cq_tech_ent
            and roster.status in ('在孵', '已毕业')
    group by scopes.scope
),
recognition_counts as (
    select
        'district' as scope,
        count(distinct carrier_id) filter (
            where level in ('国家级', '市级')
            and recognition_type in {{ "('" ~ var('incubator_recognition_types') | join("', '") ~ "')" }}
        ) as municipal_plus_carriers,
        count(distinct carrier_id) filter (
            where level = '国家级'
            and recognition_type in {{ "('" ~ var('incubator_recognition_types') | join("', '") ~ "')" }}
        ) as national_carriers,
        count(distinct carrier_id) filter (where recognition_type = '特色孵化载体')
            as featured_carriers,
        count(distinct carrier_id) filter (where recognition_type = '大型孵化载体')
            as large_carriers
    from recognitions
),
wide as (
    select
        area_and_entities.scope,
        area_and_entities.carrier_area_m2,
        area_and_entities.incubated_entities_reported
        {% if var('dedupe_shared_incubatees') %}
            - coalesce(overlap.extra_count, 0)
        {% endif %} as incubated_entities,
        tech_enterprises.tech_enterprises,
        recognition_counts.municipal_plus_carriers,
        recognition_counts.national_carriers,
        recognition_counts.featured_carriers,
        recognition_counts.large_carriers,
        area_and_entities.carriers_reporting
    from area_and_entities
    left join overlap using (scope)
    left join tech_enterprises using (scope)
    left join recognition_counts using (scope)
),
long as (
    unpivot wide
    on carrier_area_m2, incubated_entities, tech_enterprises, municipal_plus_carriers,
    national_carriers, featured_carriers, large_carriers
    into name indicator value actual_value
)
select
    long.scope,
    long.indicator,
    cast(long.actual_value as double) as actual_value,
    long.carriers_reporting,
    as_of.as_of_period,
    as_of.as_of_date
from long
cross join as_of
