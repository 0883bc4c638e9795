-- A mart_<unit> schema left in the database by a unit no longer in the units seed (dbt does
-- not drop what it no longer builds): a warning naming it, to drop by hand. The exports and
-- the reports only read the schemas of the seed's units.
{{ config(severity='warn') }}
with units as (
    select unit_code from {{ ref('units') }}
),
schemas as (
    select schema_name
    from information_schema.schemata
    where catalog_name = current_database() and schema_name like 'mart\_%' escape '\'
)
select schemas.schema_name
from schemas
where substr(schemas.schema_name, 6) not in (select units.unit_code from units)
