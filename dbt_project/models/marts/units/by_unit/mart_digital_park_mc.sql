{{ unit_mart('digital_park_mc') }}
