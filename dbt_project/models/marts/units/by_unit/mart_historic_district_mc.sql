{{ unit_mart('historic_district_mc') }}
