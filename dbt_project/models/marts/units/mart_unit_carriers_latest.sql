-- 载体最新数据 — the latest accepted quarter of every carrier in the unit's zones.
with scopes as (
    select * from {{ ref('int_unit_scopes') }}
),
carriers as (
    select * from {{ ref('dim_carrier') }}
),
latest as (
    select * from {{ ref('fct_carrier_quarter') }}
    qualify row_number() over (partition by carrier_id order by period desc) = 1
)
select
    scopes.unit_code,
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
    latest.incubatee_revenue
from scopes
inner join carriers on scopes.scope = carriers.zone_code
left join latest on carriers.carrier_id = latest.carrier_id
