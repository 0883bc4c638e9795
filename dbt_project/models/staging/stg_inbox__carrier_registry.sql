{{ latest_submission('carrier_registry', ['carrier_id']) }}
