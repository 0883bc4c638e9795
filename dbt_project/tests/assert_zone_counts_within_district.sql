-- Counts that are distinct per zone can never exceed the district's distinct count.
with actuals as (
    select * from {{ ref('int_progress_actuals') }}
),
district as (
    select indicator, actual_value from actuals where scope = 'district'
)
select zone.scope, zone.indicator, zone.actual_value, district.actual_value as district_value
from actuals as zone
inner join district using (indicator)
where zone.scope <> 'district'
  and zone.indicator in ('tech_enterprises')
  and zone.actual_value > district.actual_value
