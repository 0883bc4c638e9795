-- Zone figures against the district's, quarter by quarter: area adds up exactly (every
-- carrier is in a zone); entities and tech enterprises are counted once in the district, so
-- the district never exceeds the sum of the zones, and no zone exceeds the district.
with actuals as (
    select * from {{ ref('int_progress_actuals') }}
),
district as (
    select
        as_of_period,
        indicator,
        actual_value
    from actuals
    where scope = 'district'
),
zones as (
    select
        as_of_period,
        indicator,
        sum(actual_value) as zone_sum,
        max(actual_value) as zone_max
    from actuals
    where scope <> 'district'
    group by as_of_period, indicator
)
select
    district.as_of_period,
    district.indicator,
    district.actual_value,
    zones.zone_sum,
    zones.zone_max
from district
inner join zones
    on district.as_of_period = zones.as_of_period and district.indicator = zones.indicator
where
    (district.indicator = 'carrier_area_m2' and abs(district.actual_value - zones.zone_sum) > 0.001)
    or (
        district.indicator in ('incubated_entities', 'tech_enterprises')
        and (district.actual_value > zones.zone_sum or zones.zone_max > district.actual_value)
    )
