{{ unit_mart('hr_social_security_bureau') }}
