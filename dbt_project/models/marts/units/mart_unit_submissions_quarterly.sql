-- 报送统计 — each unit's files per quarter of receipt: how many came, were accepted, refused,
-- were duplicates of one already received, or wait for a decision.
with submissions as (
    select * from {{ ref('mart_unit_submissions') }}
)
select
    unit_code,
    year(discovered_at) || 'Q' || quarter(discovered_at) as received_quarter,
    count(*) as files,
    count(*) filter (where status = 'loaded') as files_accepted,
    count(*) filter (where status = 'rejected') as files_refused,
    count(*) filter (where status = 'duplicate') as files_duplicate,
    count(*) filter (where status = 'received') as files_pending,
    coalesce(sum(rows_loaded) filter (where status = 'loaded'), 0)::bigint as rows_loaded
from submissions
group by unit_code, received_quarter
