{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['carrier_id', 'period'],
        on_schema_change='append_new_columns'
    )
}}

{{ latest_submission('carrier_period_report', ['carrier_id', 'period']) }}
