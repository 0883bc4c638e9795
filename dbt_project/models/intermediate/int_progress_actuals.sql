-- Actual value of every plan indicator, for the district and each zone, as of every quarter
-- up to the latest reported one (definitions: design.md §4 "Decisions", seed plan_indicators).
with as_of as (
    select * from {{ ref('int_as_of') }}
),
quarters as (
    select
        quarters.period as as_of_period,
        quarters.period_end as as_of_date
    from {{ ref('int_quarters') }} as quarters
    cross join as_of
    where quarters.period <= as_of.as_of_period
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
    left join carriers using (carrier_id)
),
roster as (
    select
        roster.*,
        carriers.zone_code
    from {{ ref('stg_inbox__incubatee_roster') }} as roster
    left join carriers using (carrier_id)
    where roster.period >= '{{ var("plan_start_period") }}'
),
recognitions as (
    select * from {{ ref('stg_inbox__carrier_recognition') }}
    where status = '有效'
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
scope_quarters as (
    select
        scopes.scope,
        scopes.zone_code,
        quarters.as_of_period,
        quarters.as_of_date
    from scopes
    cross join quarters
),
-- enterprises 在孵 at more than one reporting carrier in a quarter count once per scope
active_enterprises as (
    select
        roster.period,
        roster.uscc,
        roster.carrier_id,
        roster.zone_code
    from roster
    inner join reports
        on roster.carrier_id = reports.carrier_id and roster.period = reports.period
    where
        roster.entity_kind = '企业'
        and roster.status = '在孵'
        and roster.uscc is not null
),
carriers_per_enterprise as (
    select
        scope_quarters.scope,
        scope_quarters.as_of_period,
        active_enterprises.uscc,
        count(distinct active_enterprises.carrier_id) as n_carriers
    from scope_quarters
    inner join active_enterprises
        on
            scope_quarters.as_of_period = active_enterprises.period
            and (
                scope_quarters.zone_code is null
                or scope_quarters.zone_code = active_enterprises.zone_code
            )
    group by scope_quarters.scope, scope_quarters.as_of_period, active_enterprises.uscc
),
overlap as (
    select
        scope,
        as_of_period,
        sum(n_carriers - 1) as extra_count
    from carriers_per_enterprise
    group by scope, as_of_period
),
area_and_entities as (
    select
        scope_quarters.scope,
        scope_quarters.as_of_period,
        sum(reports.area_m2_eop) as carrier_area_m2,
        -- null, not 0, when no carrier of the scope reported the quarter
        sum(reports.incubatees_eop + reports.teams_eop) as incubated_entities_reported,
        count(reports.carrier_id) as carriers_reporting
    from scope_quarters
    left join reports
        on
            scope_quarters.as_of_period = reports.period
            and (scope_quarters.zone_code is null or scope_quarters.zone_code = reports.zone_code)
    group by scope_quarters.scope, scope_quarters.as_of_period
),
tech_enterprises as (
    select
        scope_quarters.scope,
        scope_quarters.as_of_period,
        count(distinct roster.uscc) as tech_enterprises
    from scope_quarters
    left join roster
        on
            scope_quarters.as_of_period >= roster.period
            and (scope_quarters.zone_code is null or scope_quarters.zone_code = roster.zone_code)
            and roster.is_cq_tech_ent
            and roster.status in ('在孵', '已毕业')
    group by scope_quarters.scope, scope_quarters.as_of_period
),
recognition_counts as (
    select
        quarters.as_of_period,
        'district' as scope,
        count(distinct recognitions.carrier_id) filter (
            where recognitions.level in ('国家级', '市级')
            and recognitions.recognition_type in {{ sql_list('incubator_recognition_types') }}
        ) as municipal_plus_carriers,
        count(distinct recognitions.carrier_id) filter (
            where recognitions.level = '国家级'
            and recognitions.recognition_type in {{ sql_list('incubator_recognition_types') }}
        ) as national_carriers,
        count(distinct recognitions.carrier_id) filter (
            where recognitions.recognition_type = '特色孵化载体'
        ) as featured_carriers,
        count(distinct recognitions.carrier_id) filter (
            where recognitions.recognition_type = '大型孵化载体'
        ) as large_carriers
    from quarters
    left join recognitions
        on
            quarters.as_of_date >= recognitions.recognized_date
            and (recognitions.valid_until is null or quarters.as_of_date <= recognitions.valid_until)
    group by quarters.as_of_period
),
wide as (
    select
        area_and_entities.scope,
        area_and_entities.as_of_period,
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
    left join overlap using (scope, as_of_period)
    left join tech_enterprises using (scope, as_of_period)
    left join recognition_counts using (scope, as_of_period)
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
    long.as_of_period,
    quarters.as_of_date,
    cast(long.actual_value as double) as actual_value,
    long.carriers_reporting
from long
inner join quarters using (as_of_period)
