{#- The last day of a quarter written as 'YYYYQn'. -#}
{% macro period_end(period) -%}
    (make_date(cast(left({{ period }}, 4) as integer), cast(right({{ period }}, 1) as integer) * 3, 1)
        + interval 1 month - interval 1 day)::date
{%- endmacro %}
