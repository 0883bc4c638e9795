{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['carrier_id', 'period'],
        on_schema_change='append_new_columns'
    )
}}

{{ latest_submission('incubatee_roster', ['carrier_id', 'period']) }}
