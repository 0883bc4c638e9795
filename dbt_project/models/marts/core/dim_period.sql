-- Quarters of the plan from 2021Q1 (to 2025Q4 or the latest reported quarter).
select
    period,
    year,
    quarter,
    period_start,
    period_end
from {{ ref('int_quarters') }}
