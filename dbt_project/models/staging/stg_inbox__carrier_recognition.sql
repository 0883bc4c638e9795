{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['carrier_id', 'recognition_type', 'recognized_date'],
        on_schema_change='append_new_columns'
    )
}}

{{ latest_submission('carrier_recognition', ['carrier_id', 'recognition_type', 'recognized_date']) }}
