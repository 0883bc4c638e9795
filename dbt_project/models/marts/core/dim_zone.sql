-- The plan's zones with their 2025 targets.
with zones as (
    select * from {{ ref('zones') }}
),
targets as (
    select * from {{ ref('plan_targets') }}
    where target_year = 2025
)
select
    zones.zone_code,
    zones.zone_name_zh,
    zones.cluster_name_zh,
    zones.zone_order,
    max(targets.target_value) filter (where targets.indicator = 'carrier_area_m2')
        as target_area_m2_2025,
    max(targets.target_value) filter (where targets.indicator = 'incubated_entities')
        as target_entities_2025,
    max(targets.target_value) filter (where targets.indicator = 'tech_enterprises')
        as target_tech_enterprises_2025
from zones
left join targets on zones.zone_code = targets.scope
group by all
