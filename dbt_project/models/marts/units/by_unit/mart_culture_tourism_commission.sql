{{ unit_mart('culture_tourism_commission') }}
