-- 进度轨迹 — each unit's progress against the plan as of every quarter, for the scopes its
-- mart covers. District rows: all for the coordinator, otherwise the district targets of the
-- tasks the unit leads or cooperates on.
with progress as (
    select * from {{ ref('fct_target_progress_quarterly') }}
),
scopes as (
    select * from {{ ref('int_unit_scopes') }}
),
units as (
    select * from {{ ref('units') }}
),
unit_tasks as (
    select * from {{ ref('plan_task_units') }}
)
select
    scopes.unit_code,
    progress.scope,
    progress.scope_name_zh,
    progress.scope_order,
    progress.indicator,
    progress.indicator_name_zh,
    progress.display_unit_zh,
    progress.display_divisor,
    progress.indicator_order,
    progress.target_year,
    progress.target_value,
    progress.actual_value,
    progress.on_track_value,
    progress.pct_of_target,
    progress.is_met,
    progress.is_on_track,
    progress.as_of_period,
    progress.carriers_expected,
    progress.carriers_reported,
    progress.rests_on_incomplete_reports,
    progress.coverage_zh,
    progress.target_display,
    progress.actual_display,
    progress.on_track_display,
    progress.status,
    progress.status_zh
from scopes
inner join units on scopes.unit_code = units.unit_code
inner join progress on scopes.scope = progress.scope
where
    progress.scope <> 'district'
    or units.is_coordinator
    or exists (
        select 1
        from unit_tasks
        where unit_tasks.unit_code = scopes.unit_code and unit_tasks.task_code = progress.task_code
    )
