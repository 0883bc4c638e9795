-- Progress against the plan as of the latest reported quarter: one row per (scope,
-- indicator, target_year) — the headline table.
with quarterly as (
    select * from {{ ref('fct_target_progress_quarterly') }}
),
as_of as (
    select * from {{ ref('int_as_of') }}
)
select
    quarterly.scope,
    quarterly.scope_name_zh,
    quarterly.scope_order,
    quarterly.indicator,
    quarterly.indicator_name_zh,
    quarterly.unit_zh,
    quarterly.display_unit_zh,
    quarterly.display_divisor,
    quarterly.indicator_order,
    quarterly.target_year,
    quarterly.target_value,
    quarterly.target_max,
    quarterly.task_code,
    quarterly.actual_value,
    quarterly.as_of_period,
    quarterly.as_of_date,
    quarterly.carriers_expected,
    quarterly.carriers_reported,
    quarterly.rests_on_incomplete_reports,
    quarterly.coverage_zh,
    quarterly.carriers_area_carried_forward,
    quarterly.carriers_area_from_registry,
    quarterly.on_track_value,
    quarterly.pct_of_target,
    quarterly.is_met,
    quarterly.is_on_track,
    quarterly.target_display,
    quarterly.actual_display,
    quarterly.on_track_display,
    quarterly.status,
    quarterly.status_zh
from quarterly
inner join as_of on quarterly.as_of_period = as_of.as_of_period
