-- Every carrier and every quarter it was active in, up to the latest reported quarter: what
-- it reported for the quarter, and the area the plan counts for it.
--
-- Active: from the quarter it started operating (开始运营日期), or from its first period
-- report or roster when that is earlier or the date is not given; a carrier with neither is
-- expected from the latest quarter on. Area (design.md §4): the period-end area reported for
-- the quarter; else the latest period-end area it reported before; else its registry total
-- area. Counts are never carried forward.
with carriers as (
    select * from {{ ref('int_carriers') }}
),
as_of as (
    select * from {{ ref('int_as_of') }}
),
quarters as (
    select quarters.*
    from {{ ref('int_quarters') }} as quarters
    cross join as_of
    where quarters.period <= as_of.as_of_period
),
reports as (
    select * from {{ ref('stg_inbox__carrier_period_report') }}
),
rosters as (
    select distinct
        carrier_id,
        period
    from {{ ref('stg_inbox__incubatee_roster') }}
),
sent as (
    select
        carrier_id,
        period
    from reports
    union all
    select
        carrier_id,
        period
    from rosters
),
first_reported as (
    select
        carrier_id,
        min(period) as first_period
    from sent
    group by carrier_id
),
active_from as (
    select
        carriers.carrier_id,
        coalesce(
            least(
                year(carriers.operation_start_date) || 'Q'
                || quarter(carriers.operation_start_date),
                first_reported.first_period
            ),
            as_of.as_of_period
        ) as active_from_period
    from carriers
    cross join as_of
    left join first_reported on carriers.carrier_id = first_reported.carrier_id
),
spine as (
    select
        carriers.carrier_id,
        carriers.zone_code,
        carriers.carrier_type,
        carriers.total_area_m2 as registry_area_m2,
        quarters.period,
        quarters.period_end,
        active_from.active_from_period
    from carriers
    inner join active_from on carriers.carrier_id = active_from.carrier_id
    inner join quarters on active_from.active_from_period <= quarters.period
),
reported as (
    select
        spine.*,
        reports.carrier_id is not null as has_report,
        rosters.carrier_id is not null as has_roster,
        reports.area_m2_eop,
        reports.incubatees_eop,
        reports.teams_eop
    from spine
    left join reports on spine.carrier_id = reports.carrier_id and spine.period = reports.period
    left join rosters on spine.carrier_id = rosters.carrier_id and spine.period = rosters.period
),
carried as (
    select
        *,
        last_value(area_m2_eop ignore nulls) over earlier as carried_area_m2,
        last_value(case when area_m2_eop is not null then period end ignore nulls)
            over earlier as carried_from_period
    from reported
    window earlier as (
        partition by carrier_id order by period
        rows between unbounded preceding and 1 preceding
    )
)
select
    carrier_id,
    period,
    period_end,
    zone_code,
    carrier_type,
    active_from_period,
    has_report,
    has_roster,
    has_report and incubatees_eop is not null and teams_eop is not null as has_entities,
    coalesce(area_m2_eop, carried_area_m2, registry_area_m2) as area_m2,
    case
        when area_m2_eop is not null then 'reported'
        when carried_area_m2 is not null then 'carried_forward'
        when registry_area_m2 is not null then 'registry'
    end as area_source,
    case
        when area_m2_eop is not null then period
        when carried_area_m2 is not null then carried_from_period
    end as area_from_period
from carried
