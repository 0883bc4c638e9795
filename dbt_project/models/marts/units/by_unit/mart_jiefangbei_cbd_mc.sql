{{ unit_mart('jiefangbei_cbd_mc') }}
