-- 任务分工 — the plan tasks the unit leads (责任单位) or cooperates on (配合单位).
with task_units as (
    select * from {{ ref('plan_task_units') }}
),
tasks as (
    select * from {{ ref('plan_tasks') }}
)
select
    task_units.unit_code,
    tasks.task_code,
    tasks.section_zh,
    tasks.item_zh,
    tasks.title_zh,
    task_units.role,
    case task_units.role when 'lead' then '责任单位' else '配合单位' end as role_zh
from task_units
inner join tasks on task_units.task_code = tasks.task_code
