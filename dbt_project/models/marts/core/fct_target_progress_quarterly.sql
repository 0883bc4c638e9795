-- Progress against the plan as of every quarter: one row per (scope, indicator, target_year,
-- as_of_period), with the on-track value (linear from the baseline quarter to the target) and
-- the coverage of the reports the actual value rests on: the carriers of the scope expected
-- (active at the quarter's end) and those whose report gives the figure.
with targets as (
    select * from {{ ref('plan_targets') }}
),
indicators as (
    select * from {{ ref('plan_indicators') }}
),
actuals as (
    select * from {{ ref('int_progress_actuals') }}
),
quarters as (
    select * from {{ ref('int_quarters') }}
),
zones as (
    select * from {{ ref('zones') }}
),
as_of_quarters as (
    select distinct
        as_of_period,
        as_of_date
    from actuals
),
baseline as (
    select
        scope,
        indicator,
        coalesce(actual_value, 0) as baseline_value
    from actuals
    where as_of_period = '{{ var("baseline_period") }}'
),
baseline_date as (
    select period_end as baseline_date
    from quarters
    where period = '{{ var("baseline_period") }}'
),
joined as (
    select
        targets.scope,
        coalesce(zones.zone_name_zh, '全区') as scope_name_zh,
        coalesce(zones.zone_order, 0) as scope_order,
        targets.indicator,
        indicators.indicator_name_zh,
        indicators.unit_zh,
        indicators.display_unit_zh,
        indicators.display_divisor,
        indicators.indicator_order,
        targets.target_year,
        targets.target_value,
        targets.target_max,
        targets.task_code,
        as_of_quarters.as_of_period,
        as_of_quarters.as_of_date,
        actuals.actual_value,
        actuals.carriers_expected,
        actuals.carriers_reported,
        actuals.carriers_area_carried_forward,
        actuals.carriers_area_from_registry,
        coalesce(baseline.baseline_value, 0) as baseline_value,
        make_date(targets.target_year, 12, 31) as target_date,
        baseline_date.baseline_date
    from targets
    inner join indicators on targets.indicator = indicators.indicator
    cross join as_of_quarters
    cross join baseline_date
    left join actuals
        on
            targets.scope = actuals.scope
            and targets.indicator = actuals.indicator
            and as_of_quarters.as_of_period = actuals.as_of_period
    left join baseline
        on targets.scope = baseline.scope and targets.indicator = baseline.indicator
    left join zones on targets.scope = zones.zone_code
),
final as (
    select
        scope,
        scope_name_zh,
        scope_order,
        indicator,
        indicator_name_zh,
        unit_zh,
        display_unit_zh,
        display_divisor,
        indicator_order,
        target_year,
        target_value,
        target_max,
        task_code,
        as_of_period,
        as_of_date,
        actual_value,
        coalesce(carriers_expected, 0) as carriers_expected,
        carriers_reported,
        coalesce(carriers_reported < carriers_expected, false) as rests_on_incomplete_reports,
        case
            when carriers_reported is null then '按认定名单统计（区科技局报送）'
            else
                carriers_reported || '/' || coalesce(carriers_expected, 0)
                || case when indicator = 'tech_enterprises' then ' 载体已报送名单' else ' 载体已报送' end
                || case
                    when carriers_area_carried_forward > 0 or carriers_area_from_registry > 0
                        then
                            '（面积：' || concat_ws(
                                '，',
                                case
                                    when carriers_area_carried_forward > 0
                                        then carriers_area_carried_forward || ' 个沿用此前季报'
                                end,
                                case
                                    when carriers_area_from_registry > 0
                                        then carriers_area_from_registry || ' 个按登记总面积'
                                end
                            ) || '）'
                    else ''
                end
        end as coverage_zh,
        carriers_area_carried_forward,
        carriers_area_from_registry,
        baseline_value,
        round(
            baseline_value + (target_value - baseline_value) * least(
                1.0,
                greatest(0.0, date_diff('day', baseline_date, as_of_date))
                / date_diff('day', baseline_date, target_date)
            ),
            2
        ) as on_track_value,
        case
            when actual_value is null then null
            else round(100.0 * actual_value / target_value, 1)
        end as pct_of_target,
        actual_value >= target_value as is_met
    from joined
)
select
    *,
    actual_value >= on_track_value as is_on_track,
    -- the figures as the plan writes them (万平方米, 个, 家) and the verdict a page shows
    round(target_value / display_divisor, 2) as target_display,
    round(actual_value / display_divisor, 2) as actual_display,
    round(on_track_value / display_divisor, 2) as on_track_display,
    case
        when actual_value is null then 'no_data'
        when is_met then 'met'
        when actual_value >= on_track_value then 'on_track'
        else 'behind'
    end as status,
    case
        when actual_value is null then '无数据'
        when is_met then '已达标'
        when actual_value >= on_track_value then '按进度'
        else '滞后'
    end as status_zh
from final
