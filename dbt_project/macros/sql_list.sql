{#- A project variable holding a list of strings, as a SQL list: ('a', 'b'). -#}
{% macro sql_list(var_name) -%}
    ('{{ var(var_name) | join("', '") }}')
{%- endmacro %}
