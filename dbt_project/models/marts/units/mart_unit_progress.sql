-- 进度 — each unit's progress against the plan for the scopes its mart covers, as of the
-- latest reported quarter (its trajectory's last quarter).
with trajectory as (
    select * from {{ ref('mart_unit_trajectory') }}
),
as_of as (
    select * from {{ ref('int_as_of') }}
)
select
    trajectory.unit_code,
    trajectory.scope,
    trajectory.scope_name_zh,
    trajectory.scope_order,
    trajectory.indicator,
    trajectory.indicator_name_zh,
    trajectory.display_unit_zh,
    trajectory.display_divisor,
    trajectory.indicator_order,
    trajectory.target_year,
    trajectory.target_value,
    trajectory.actual_value,
    trajectory.on_track_value,
    trajectory.pct_of_target,
    trajectory.is_met,
    trajectory.is_on_track,
    trajectory.as_of_period,
    trajectory.carriers_expected,
    trajectory.carriers_reported,
    trajectory.rests_on_incomplete_reports,
    trajectory.coverage_zh,
    trajectory.target_display,
    trajectory.actual_display,
    trajectory.on_track_display,
    trajectory.status,
    trajectory.status_zh
from trajectory
inner join as_of on trajectory.as_of_period = as_of.as_of_period
