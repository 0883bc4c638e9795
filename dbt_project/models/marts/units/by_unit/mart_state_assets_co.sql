{{ unit_mart('state_assets_co') }}
