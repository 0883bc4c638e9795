-- Every scope in fct_target_progress is the district or a zone of the plan.
with progress as (
    select * from {{ ref('fct_target_progress') }}
),
zones as (
    select * from {{ ref('zones') }}
)
select progress.scope
from progress
left join zones on progress.scope = zones.zone_code
where
    progress.scope <> 'district'
    and zones.zone_code is null
