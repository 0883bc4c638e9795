{{ unit_mart('cyberspace_office') }}
