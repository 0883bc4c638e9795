{{ unit_mart('big_data_bureau') }}
