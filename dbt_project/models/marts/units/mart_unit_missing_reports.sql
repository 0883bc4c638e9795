-- 缺报载体 — carriers in the unit's zones without an accepted report for the latest quarter.
with scopes as (
    select * from {{ ref('int_unit_scopes') }}
),
missing as (
    select * from {{ ref('fct_missing_reports') }}
    where is_latest_quarter
)
select
    scopes.unit_code,
    missing.carrier_id,
    missing.carrier_name,
    missing.zone_code,
    missing.period
from scopes
inner join missing on scopes.scope = missing.zone_code
