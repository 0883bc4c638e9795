-- Every unit of the units seed has its mart model (models/marts/units/by_unit/mart_<unit>.sql,
-- described in _by_unit.yml), and every unit mart model a unit in the seed. One row per
-- mismatch, saying what to add or remove.
{%- set models = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.config.materialized == 'unit_mart' -%}
            {%- do models.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}
with units as (
    select unit_code from {{ ref('units') }}
),
models as (
    select
        unit_models.unit_code,
        unit_models.is_described
    from (
        values
        {%- for node in models %}
            ('{{ node.config.unit_code }}', {{ 'true' if node.description else 'false' }})
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    ) as unit_models (unit_code, is_described)
),
mismatches as (
    select
        units.unit_code,
        'units seed has no model: add models/marts/units/by_unit/mart_'
        || units.unit_code || '.sql' as problem
    from units
    left join models on units.unit_code = models.unit_code
    where models.unit_code is null
    union all
    select
        models.unit_code,
        'model without a unit in the units seed: remove mart_' || models.unit_code || '.sql' as problem
    from models
    left join units on models.unit_code = units.unit_code
    where units.unit_code is null
    union all
    select
        unit_code,
        'model mart_' || unit_code || ' has no description in _by_unit.yml' as problem
    from models
    where not is_described
)
select * from mismatches
