-- Carriers without an accepted period report for a quarter: every quarter from the first
-- one they reported (a carrier that never reported: the latest quarter) to the latest
-- reported quarter.
with carriers as (
    select * from {{ ref('dim_carrier') }}
),
quarters as (
    select * from {{ ref('int_quarters') }}
),
as_of as (
    select * from {{ ref('int_as_of') }}
),
expected as (
    select
        carriers.carrier_id,
        carriers.carrier_name,
        carriers.zone_code,
        quarters.period
    from carriers
    cross join quarters
    cross join as_of
    where
        quarters.period >= coalesce(carriers.first_reported_period, as_of.as_of_period)
        and quarters.period <= as_of.as_of_period
),
reports as (
    select
        carrier_id,
        period
    from {{ ref('fct_carrier_quarter') }}
)
select
    expected.carrier_id,
    expected.carrier_name,
    expected.zone_code,
    expected.period,
    expected.period = as_of.as_of_period as is_latest_quarter
from expected
cross join as_of
left join reports
    on expected.carrier_id = reports.carrier_id and expected.period = reports.period
where reports.carrier_id is null
