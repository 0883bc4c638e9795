-- Responsible units, with the tasks they lead or cooperate on and the zones they may report.
with units as (
    select * from {{ ref('units') }}
),
task_units as (
    select * from {{ ref('plan_task_units') }}
),
task_zones as (
    select * from {{ ref('plan_task_zones') }}
),
lead_zones as (
    select
        task_units.unit_code,
        string_agg(distinct task_zones.zone_code, ',' order by task_zones.zone_code) as zones
    from task_units
    inner join task_zones on task_units.task_code = task_zones.task_code
    where task_units.role = 'lead'
    group by task_units.unit_code
),
tasks as (
    select
        unit_code,
        count(*) filter (where role = 'lead') as tasks_led,
        count(*) filter (where role = 'cooperate') as tasks_cooperating
    from task_units
    group by unit_code
)
select
    units.unit_code,
    units.unit_name_zh,
    units.unit_kind,
    units.is_coordinator,
    coalesce(tasks.tasks_led, 0) as tasks_led,
    coalesce(tasks.tasks_cooperating, 0) as tasks_cooperating,
    case when units.is_coordinator then 'all' else lead_zones.zones end as reportable_zones,
    'mart_' || units.unit_code as mart_schema
from units
left join tasks on units.unit_code = tasks.unit_code
left join lead_zones on units.unit_code = lead_zones.unit_code
