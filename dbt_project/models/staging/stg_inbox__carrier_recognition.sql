{{ latest_submission('carrier_recognition', ['carrier_id', 'recognition_type', 'recognized_date']) }}
