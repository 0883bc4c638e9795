-- 报送记录 — every file the unit submitted: accepted, refused or a duplicate, with counts.
with ledger as (
    select * from {{ source('audit', 'file_ledger') }}
),
units as (
    select * from {{ ref('units') }}
)
select
    ledger.unit_code,
    ledger.submission_id,
    ledger.file_name,
    ledger.status,
    ledger.templates,
    ledger.rows_parsed,
    ledger.rows_loaded,
    ledger.n_errors,
    ledger.n_warnings,
    ledger.discovered_at,
    ledger.decided_at,
    ledger.duplicate_of,
    ledger.report_path
from ledger
inner join units on ledger.unit_code = units.unit_code
