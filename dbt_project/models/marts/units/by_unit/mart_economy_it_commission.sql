{{ unit_mart('economy_it_commission') }}
