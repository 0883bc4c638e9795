{{ unit_mart('market_regulation_bureau') }}
