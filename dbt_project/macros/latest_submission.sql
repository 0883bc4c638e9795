{#-
  Rows of a raw table from the latest accepted submission for each key (a resubmission of
  the same carrier and period replaces the earlier file as a whole), with the submitting unit.
-#}
{% macro latest_submission(table_name, supersede_by) %}
with raw_rows as (
    select * from {{ source('raw', table_name) }}
),
ledger as (
    select submission_id, unit_code, file_name, decided_at
    from {{ source('audit', 'file_ledger') }}
    where status = 'loaded'
),
joined as (
    select
        raw_rows.*,
        ledger.unit_code as submitted_by_unit,
        ledger.file_name as source_file,
        ledger.decided_at as accepted_at
    from raw_rows
    inner join ledger using (submission_id)
),
latest as (
    select *
    from joined
    qualify submission_id = max(submission_id) over (
        partition by {{ supersede_by | join(', ') }}
    )
)
select * from latest
{% endmacro %}
