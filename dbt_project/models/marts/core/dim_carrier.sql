-- Every registered carrier (latest registry entry), its zone, its highest recognition in
-- force today and the quarters it reported.
with carriers as (
    select * from {{ ref('stg_inbox__carrier_registry') }}
),
zones as (
    select * from {{ ref('zones') }}
),
recognitions as (
    select * from {{ ref('fct_recognition') }}
    where is_in_force_today
),
levels as (
    select
        carrier_id,
        arg_max(level, level_rank) as recognized_level
    from recognitions
    group by carrier_id
),
reported as (
    select
        carrier_id,
        min(period) as first_reported_period,
        max(period) as last_reported_period
    from {{ ref('stg_inbox__carrier_period_report') }}
    group by carrier_id
)
select
    carriers.carrier_id,
    carriers.carrier_name,
    carriers.carrier_type,
    carriers.specialization,
    zones.zone_code,
    carriers.zone as zone_name_zh,
    carriers.operator_name,
    carriers.operator_uscc,
    carriers.operator_nature,
    carriers.operation_start_date,
    carriers.total_area_m2,
    carriers.incubation_area_m2,
    carriers.tenant_area_m2,
    carriers.workstations,
    coalesce(levels.recognized_level, '未认定') as recognized_level,
    reported.first_reported_period,
    reported.last_reported_period,
    carriers.submitted_by_unit,
    carriers.accepted_at as registry_accepted_at
from carriers
left join zones on carriers.zone = zones.zone_name_zh
left join levels on carriers.carrier_id = levels.carrier_id
left join reported on carriers.carrier_id = reported.carrier_id
