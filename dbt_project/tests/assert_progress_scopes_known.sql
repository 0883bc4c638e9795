-- Every scope in fct_target_progress is the district or a zone of the plan.
select scope
from {{ ref('fct_target_progress') }}
where scope <> 'district'
  and scope not in (select zone_code from {{ ref('zones') }})
