{{ unit_mart('sci_tech_bureau') }}
