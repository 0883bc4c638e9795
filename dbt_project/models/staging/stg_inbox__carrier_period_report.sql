{{ latest_submission('carrier_period_report', ['carrier_id', 'period']) }}
