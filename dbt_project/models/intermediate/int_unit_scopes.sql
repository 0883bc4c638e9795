-- The scopes each responsible unit's mart covers: the zones of the tasks it leads or
-- cooperates on, and the district (the coordinator always; other units for the district
-- targets of their tasks). Adding a unit or a task is a seed edit.
with units as (
    select * from {{ ref('units') }}
),
task_units as (
    select * from {{ ref('plan_task_units') }}
),
task_zones as (
    select * from {{ ref('plan_task_zones') }}
),
district_tasks as (
    select distinct task_code
    from {{ ref('plan_targets') }}
    where scope = 'district' and task_code is not null
),
zone_scopes as (
    select distinct
        task_units.unit_code,
        task_zones.zone_code as scope
    from task_units
    inner join task_zones on task_units.task_code = task_zones.task_code
),
district_scopes as (
    select distinct
        task_units.unit_code,
        'district' as scope
    from task_units
    inner join district_tasks on task_units.task_code = district_tasks.task_code
),
coordinator_scopes as (
    select
        units.unit_code,
        zones.zone_code as scope
    from units
    cross join {{ ref('zones') }} as zones
    where units.is_coordinator
    union all
    select
        unit_code,
        'district' as scope
    from units
    where is_coordinator
)
select
    unit_code,
    scope
from zone_scopes
union
select
    unit_code,
    scope
from district_scopes
union
select
    unit_code,
    scope
from coordinator_scopes
