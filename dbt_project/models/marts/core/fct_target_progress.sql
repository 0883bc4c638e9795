-- Progress against the plan: one row per (scope, indicator, target_year).
with targets as (
    select * from {{ ref('plan_targets') }}
),
indicators as (
    select * from {{ ref('plan_indicators') }}
),
actuals as (
    select * from {{ ref('int_progress_actuals') }}
),
as_of as (
    select * from {{ ref('int_as_of') }}
),
joined as (
    select
        targets.scope,
        targets.indicator,
        indicators.indicator_name_zh,
        indicators.unit_zh,
        indicators.display_unit_zh,
        indicators.display_divisor,
        indicators.indicator_order,
        targets.target_year,
        targets.target_value,
        targets.target_max,
        actuals.actual_value,
        as_of.as_of_period,
        as_of.as_of_date,
        actuals.carriers_reporting,
        case
            when actuals.actual_value is null then null
            else round(100.0 * actuals.actual_value / targets.target_value, 1)
        end as pct_of_target,
        actuals.actual_value >= targets.target_value as is_met
    from targets
    inner join indicators using (indicator)
    cross join as_of
    left join actuals
        on targets.scope = actuals.scope and targets.indicator = actuals.indicator
)
select * from joined
