{#-
  on-run-end: one schema mart_<unit_code> per row of the units seed, holding that unit's rows
  of every unit mart as views (progress, carriers_latest, submissions, missing_reports,
  tasks). Schemas of units no longer in the seed are dropped. Adding a unit is a seed edit.
-#}
{% macro create_unit_marts() %}
    {% set built = run_query(
        "select count(*) from information_schema.tables where table_schema = 'marts'"
    ) if execute else none %}
    {% if execute and built.columns[0].values()[0] >= 5 %}
        {% set marts = ['progress', 'carriers_latest', 'submissions', 'missing_reports', 'tasks'] %}
        {% set units = run_query("select unit_code from reference.units order by unit_code").columns[0].values() %}
        {% set existing = run_query(
            "select schema_name from information_schema.schemata where schema_name like 'mart\\_%' escape '\\'"
        ).columns[0].values() %}
        {% for schema in existing %}
            {% if schema[5:] not in units %}
                {% do run_query("drop schema if exists " ~ schema ~ " cascade") %}
            {% endif %}
        {% endfor %}
        {% for unit in units %}
            {% do run_query("create schema if not exists mart_" ~ unit) %}
            {% for mart in marts %}
                {% do run_query(
                    "create or replace view mart_" ~ unit ~ "." ~ mart
                    ~ " as select * exclude (unit_code) from marts.mart_unit_" ~ mart
                    ~ " where unit_code = '" ~ unit ~ "'"
                ) %}
            {% endfor %}
        {% endfor %}
    {% endif %}
{% endmacro %}
