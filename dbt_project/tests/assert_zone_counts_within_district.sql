-- Counts that are distinct per zone can never exceed the district's distinct count.
with actuals as (
    select * from {{ ref('int_progress_actuals') }}
),
district as (
    select
        indicator,
        actual_value
    from actuals
    where scope = 'district'
)
select
    zone_actuals.scope,
    zone_actuals.indicator,
    zone_actuals.actual_value,
    district.actual_value as district_value
from actuals as zone_actuals
inner join district using (indicator)
where
    zone_actuals.scope <> 'district'
    and zone_actuals.indicator in ('tech_enterprises')
    and zone_actuals.actual_value > district.actual_value
