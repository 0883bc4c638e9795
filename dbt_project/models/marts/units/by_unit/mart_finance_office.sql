{{ unit_mart('finance_office') }}
