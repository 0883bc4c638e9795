{{ unit_mart('commerce_commission') }}
