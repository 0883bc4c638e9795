{{ unit_mart('development_reform_commission') }}
