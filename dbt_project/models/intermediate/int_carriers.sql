-- Every registered carrier with its zone code (from the zone name written in the registry).
with registry as (
    select * from {{ ref('stg_inbox__carrier_registry') }}
),
zones as (
    select
        zone_code,
        zone_name_zh
    from {{ ref('zones') }}
),
joined as (
    select
        registry.carrier_id,
        registry.carrier_name,
        registry.carrier_type,
        registry.zone as zone_name_zh,
        zones.zone_code,
        registry.operator_name,
        registry.operator_uscc,
        registry.total_area_m2,
        registry.incubation_area_m2,
        registry.operation_start_date,
        registry.submitted_by_unit
    from registry
    left join zones on registry.zone = zones.zone_name_zh
)
select * from joined
