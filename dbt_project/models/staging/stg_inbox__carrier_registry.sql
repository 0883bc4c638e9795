{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['carrier_id'],
        on_schema_change='append_new_columns'
    )
}}

{{ latest_submission('carrier_registry', ['carrier_id']) }}
