{{ latest_submission('incubatee_roster', ['carrier_id', 'period']) }}
