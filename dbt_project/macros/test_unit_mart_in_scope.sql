{#-
  A unit's mart (the schema its unit model makes) holds its own scope only: carriers and
  missing reports of the zones it covers (int_unit_scopes), progress of those scopes, the
  tasks it leads or cooperates on, the files it submitted. One row per row out of scope.
-#}
{% test unit_mart_in_scope(model) %}
{%- set unit_code = model.schema[5:] -%}
{%- set mart = model.schema -%}
with scopes as (
    select scope from {{ ref('int_unit_scopes') }}
    where unit_code = '{{ unit_code }}'
),
tasks as (
    select task_code from {{ ref('plan_task_units') }}
    where unit_code = '{{ unit_code }}'
),
files as (
    select submission_id from {{ source('audit', 'file_ledger') }}
    where unit_code = '{{ unit_code }}'
),
outside as (
    select 'carriers_latest' as mart, carrier_id as row_key
    from {{ mart }}.carriers_latest
    where zone_code not in (select scope from scopes)
    union all
    select 'missing_reports' as mart, carrier_id as row_key
    from {{ mart }}.missing_reports
    where zone_code not in (select scope from scopes)
    union all
    select 'progress' as mart, scope || ' ' || indicator as row_key
    from {{ mart }}.progress
    where scope not in (select scope from scopes)
    union all
    select 'tasks' as mart, task_code as row_key
    from {{ mart }}.tasks
    where task_code not in (select task_code from tasks)
    union all
    select 'submissions' as mart, file_name as row_key
    from {{ mart }}.submissions
    where submission_id not in (select submission_id from files)
)
select * from outside
{% endtest %}
