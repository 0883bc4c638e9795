{#-
  Per-unit marts. Every responsible unit has one model, models/marts/units/by_unit/
  mart_<unit_code>.sql, whose body is {{ unit_mart('<unit_code>') }}. Its materialisation
  (unit_mart, below) makes the schema mart_<unit_code> holding one view per shared unit mart
  (marts.mart_unit_<mart>, contracted and tested) with that unit's rows and without the
  unit_code column: mart_<unit_code>.progress, .trajectory, .carriers_latest, .submissions,
  .submissions_quarterly, .missing_reports, .tasks. The model refs the shared marts, so dbt builds it after them and
  skips it when one of them failed. Tests: unit_marts_match_units_seed (a unit of the seed
  without a model, or a model without a unit, fails the build) and unit_mart_in_scope on
  every unit model (a row outside the unit's scopes fails it).
-#}

{#- The shared unit marts every unit's schema exposes, by their name there. -#}
{% macro unit_marts() -%}
    {{ return([
        'progress', 'trajectory', 'carriers_latest', 'submissions', 'submissions_quarterly',
        'missing_reports', 'tasks'
    ]) }}
{%- endmacro %}

{#- One unit's rows of one shared mart, without the unit_code column. The schema-qualified
    name (no catalog) keeps the view valid in the build file, the published copy and an
    attached one. -#}
{% macro unit_mart_select(unit_code, mart) -%}
    select * exclude (unit_code)
    from {{ ref('mart_unit_' ~ mart).include(database=False) }}
    where unit_code = '{{ unit_code }}'
{%- endmacro %}

{#- The body of mart_<unit_code>.sql: its configuration, and the views' SQL as its code. -#}
{% macro unit_mart(unit_code) -%}
    {%- if model.name != 'mart_' ~ unit_code -%}
        {{ exceptions.raise_compiler_error(
            "model " ~ model.name ~ " must be named mart_" ~ unit_code ~ " (its unit's mart schema)"
        ) }}
    {%- endif -%}
    {{ config(schema='mart_' ~ unit_code, unit_code=unit_code) }}
    {%- for mart in unit_marts() %}
-- mart_{{ unit_code }}.{{ mart }}
{{ unit_mart_select(unit_code, mart) }};
    {%- endfor %}
{%- endmacro %}

{#- The schema of one unit model: a view per shared mart; views of marts no longer shared
    are dropped. -#}
{% materialization unit_mart, default %}
    {%- set unit_code = config.require('unit_code') -%}
    {%- set marts = unit_marts() -%}
    {%- set schema_relation = api.Relation.create(database=this.database, schema=this.schema) -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {% do adapter.create_schema(schema_relation) %}
    {%- set built = [] -%}
    {% for mart in marts %}
        {%- set view = api.Relation.create(
            database=this.database, schema=this.schema, identifier=mart, type='view'
        ) -%}
        {% call statement('main' if loop.last else 'view_' ~ mart) -%}
            create or replace view {{ view }} as {{ unit_mart_select(unit_code, mart) }}
        {%- endcall %}
        {% do built.append(view) %}
    {% endfor %}
    {% for row in list_relations_without_caching(schema_relation) %}
        {% if row['name'] not in marts %}
            {% do adapter.drop_relation(api.Relation.create(
                database=this.database, schema=this.schema, identifier=row['name'], type=row['type']
            )) %}
        {% endif %}
    {% endfor %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': built}) }}
{% endmaterialization %}
