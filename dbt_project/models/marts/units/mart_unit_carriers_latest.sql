-- 载体最新数据 — the latest accepted quarter of every carrier in the unit's zones, and the area
-- counted for it as of the latest reported quarter (with where that area came from).
with scopes as (
    select * from {{ ref('int_unit_scopes') }}
),
carriers as (
    select * from {{ ref('fct_carrier_latest') }}
)
select
    scopes.unit_code,
    carriers.carrier_id,
    carriers.carrier_name,
    carriers.carrier_type,
    carriers.zone_code,
    carriers.recognized_level,
    carriers.latest_period,
    carriers.area_m2_eop,
    carriers.incubatees_eop,
    carriers.teams_eop,
    carriers.cq_tech_ent_eop,
    carriers.tech_ent_cultivated_cum,
    carriers.graduates_cum,
    carriers.employees,
    carriers.incubatee_revenue,
    carriers.as_of_period,
    carriers.reported_as_of_period,
    carriers.area_m2,
    carriers.area_source,
    carriers.area_from_period
from scopes
inner join carriers on scopes.scope = carriers.zone_code
