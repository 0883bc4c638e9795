{{ unit_mart('health_industry_co') }}
