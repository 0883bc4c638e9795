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
recognition_types as (
    select
        recognition_type,
        is_incubator,
        counts_toward
    from {{ ref('recognition_types') }}
),
recognitions as (
    select
        recognitions.*,
        coalesce(recognition_types.is_incubator, false) as is_incubator,
        recognition_types.counts_toward
    from {{ ref('stg_inbox__carrier_recognition') }} as recognitions
    left join recognition_types using (recognition_type)
    where recognitions.status = '有效'
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
-- who was expected (active at the quarter's end) and who reported what, and the area counted
coverage as (
    select
        scope_quarters.scope,
        scope_quarters.as_of_period,
        sum(carrier_quarters.area_m2) as carrier_area_m2,
        count(carrier_quarters.carrier_id) as carriers_expected,
        count(*) filter (where carrier_quarters.area_source = 'reported') as area_reported,
        count(*) filter (where carrier_quarters.area_source = 'carried_forward')
            as area_carried_forward,
        count(*) filter (where carrier_quarters.area_source = 'registry') as area_from_registry,
        count(*) filter (where carrier_quarters.has_entities) as entities_reported,
        count(*) filter (where carrier_quarters.has_roster) as rosters_reported
    from scope_quarters
    left join {{ ref('int_carrier_quarters') }} as carrier_quarters
        on
            scope_quarters.as_of_period = carrier_quarters.period
            and (
                scope_quarters.zone_code is null
                or scope_quarters.zone_code = carrier_quarters.zone_code
            )
    group by scope_quarters.scope, scope_quarters.as_of_period
),
-- enterprises and teams as reported for the quarter (null, not 0, when nobody reported them)
entities as (
    select
        scope_quarters.scope,
        scope_quarters.as_of_period,
        sum(
            case
                when reports.incubatees_eop is not null or reports.teams_eop is not null
                    then coalesce(reports.incubatees_eop, 0) + coalesce(reports.teams_eop, 0)
            end
        ) as incubated_entities_reported
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
            and recognitions.is_incubator
        ) as municipal_plus_carriers,
        count(distinct recognitions.carrier_id) filter (
            where recognitions.level = '国家级'
            and recognitions.is_incubator
        ) as national_carriers,
        count(distinct recognitions.carrier_id) filter (
            where recognitions.counts_toward = 'featured_carriers'
        ) as featured_carriers,
        count(distinct recognitions.carrier_id) filter (
            where recognitions.counts_toward = 'large_carriers'
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
        coverage.scope,
        coverage.as_of_period,
        coverage.carriers_expected,
        coverage.area_carried_forward,
        coverage.area_from_registry,
        coverage.carrier_area_m2,
        coverage.area_reported,
        entities.incubated_entities_reported
        {% if var('dedupe_shared_incubatees') %}
            - coalesce(overlap.extra_count, 0)
        {% endif %} as incubated_entities,
        coverage.entities_reported,
        tech_enterprises.tech_enterprises,
        coverage.rosters_reported,
        recognition_counts.municipal_plus_carriers,
        recognition_counts.national_carriers,
        recognition_counts.featured_carriers,
        recognition_counts.large_carriers,
        cast(null as bigint) as not_reported_by_carriers
    from coverage
    left join entities using (scope, as_of_period)
    left join overlap using (scope, as_of_period)
    left join tech_enterprises using (scope, as_of_period)
    left join recognition_counts using (scope, as_of_period)
),
-- each indicator beside the number of carriers whose reports it rests on (recognitions are
-- the coordinator's list, not carriers' reports: null)
long as (
    from wide
    unpivot include nulls (
        (actual_value, carriers_reported) for indicator in (
            (carrier_area_m2, area_reported) as carrier_area_m2,
            (incubated_entities, entities_reported) as incubated_entities,
            (tech_enterprises, rosters_reported) as tech_enterprises,
            (municipal_plus_carriers, not_reported_by_carriers) as municipal_plus_carriers,
            (national_carriers, not_reported_by_carriers) as national_carriers,
            (featured_carriers, not_reported_by_carriers) as featured_carriers,
            (large_carriers, not_reported_by_carriers) as large_carriers
        )
    )
)
select
    long.scope,
    long.indicator,
    long.as_of_period,
    quarters.as_of_date,
    cast(long.actual_value as double) as actual_value,
    long.carriers_expected,
    long.carriers_reported,
    case when long.indicator = 'carrier_area_m2' then long.area_carried_forward end
        as carriers_area_carried_forward,
    case when long.indicator = 'carrier_area_m2' then long.area_from_registry end
        as carriers_area_from_registry
from long
inner join quarters using (as_of_period)
