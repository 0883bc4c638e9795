{{ unit_mart('health_commission') }}
