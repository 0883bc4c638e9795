{{ unit_mart('finance_bureau') }}
