{{ unit_mart('dianchuang_park_mc') }}
