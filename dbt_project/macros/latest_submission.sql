{#-
  Rows of a raw table from the latest accepted submission for each key: a resubmission of
  the same key (for a roster: the same carrier and quarter) replaces the earlier rows as a
  whole; raw keeps every version. Incremental (the staging layer's materialisation, set in
  dbt_project.yml): a night reads only submissions newer than what the model holds, and
  delete+insert on the key (set here as the model's unique_key) replaces what they supersede.
-#}
{% macro latest_submission(table_name, supersede_by) %}
{{ config(unique_key=supersede_by) }}
with raw_rows as (
    select * from {{ source('raw', table_name) }}
    {% if is_incremental() %}
        where submission_id > (select coalesce(max(submission_id), 0) from {{ this }})
    {% endif %}
),
ledger as (
    select
        submission_id,
        unit_code,
        file_name,
        sha256,
        decided_at
    from {{ source('audit', 'file_ledger') }}
    where status = 'loaded'
),
joined as (
    select
        raw_rows.*,
        ledger.unit_code as submitted_by_unit,
        ledger.file_name as source_file,
        ledger.sha256 as source_sha256,
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
