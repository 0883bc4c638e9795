{#-
  The column holds values of one vocabulary of the seed vocabularies (the one its template
  contract names, include/contracts/*.yaml); NULL passes. One row per value outside it.
-#}
{% test in_vocabulary(model, column_name, vocabulary) %}
select {{ column_name }} as value, count(*) as n
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in (
        select v.value from {{ ref('vocabularies') }} as v
        where v.vocabulary = '{{ vocabulary }}'
    )
group by {{ column_name }}
{% endtest %}
