-- Carriers without an accepted period report for a quarter in which they were active (from
-- the quarter they started operating, or their first report; see int_carrier_quarters), up
-- to the latest reported quarter.
with quarters as (
    select * from {{ ref('fct_carrier_quarter') }}
),
carriers as (
    select * from {{ ref('dim_carrier') }}
),
as_of as (
    select * from {{ ref('int_as_of') }}
)
select
    quarters.carrier_id,
    carriers.carrier_name,
    quarters.zone_code,
    quarters.period,
    quarters.period = as_of.as_of_period as is_latest_quarter
from quarters
inner join carriers on quarters.carrier_id = carriers.carrier_id
cross join as_of
where not quarters.has_report
