-- Every carrier's latest accepted quarter, and the area counted for it as of the latest
-- reported quarter with its source: one row per carrier of the registry.
with carriers as (
    select * from {{ ref('dim_carrier') }}
),
quarters as (
    select * from {{ ref('fct_carrier_quarter') }}
),
latest as (
    select * from quarters
    where has_report
    qualify row_number() over (partition by carrier_id order by period desc) = 1
),
as_of as (
    select quarters.*
    from quarters
    inner join {{ ref('int_as_of') }} as as_of on quarters.period = as_of.as_of_period
)
select
    carriers.carrier_id,
    carriers.carrier_name,
    carriers.carrier_type,
    carriers.zone_code,
    carriers.recognized_level,
    latest.period as latest_period,
    latest.area_m2_eop,
    latest.incubatees_eop,
    latest.teams_eop,
    latest.cq_tech_ent_eop,
    latest.tech_ent_cultivated_cum,
    latest.graduates_cum,
    latest.employees,
    latest.incubatee_revenue,
    as_of.period as as_of_period,
    coalesce(as_of.has_report, false) as reported_as_of_period,
    as_of.area_m2,
    as_of.area_source,
    as_of.area_from_period
from carriers
left join latest on carriers.carrier_id = latest.carrier_id
left join as_of on carriers.carrier_id = as_of.carrier_id
