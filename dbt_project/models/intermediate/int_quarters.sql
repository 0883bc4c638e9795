-- Every quarter of the plan from plan_start_period to the later of 2025Q4 and the latest
-- reported quarter, with its first and last day.
with reported as (
    select max(period) as latest_period
    from {{ ref('stg_inbox__carrier_period_report') }}
),
bounds as (
    select
        '{{ var("plan_start_period") }}' as first_period,
        greatest(coalesce(latest_period, '2025Q4'), '2025Q4') as last_period
    from reported
),
numbered as (
    select
        cast(left(first_period, 4) as integer) * 4 + cast(right(first_period, 1) as integer) - 1
            as first_index,
        cast(left(last_period, 4) as integer) * 4 + cast(right(last_period, 1) as integer) - 1
            as last_index
    from bounds
),
quarters as (
    select
        r.quarter_index,
        r.quarter_index // 4 as year,
        r.quarter_index % 4 + 1 as quarter
    from numbered
    cross join range(numbered.first_index, numbered.last_index + 1) as r (quarter_index)
)
select
    cast(year as varchar) || 'Q' || cast(quarter as varchar) as period,
    year,
    quarter,
    make_date(year, quarter * 3 - 2, 1) as period_start,
    {{ period_end("cast(year as varchar) || 'Q' || cast(quarter as varchar)") }} as period_end
from quarters
