-- Enterprises 在孵 at more than one carrier in the same quarter (counted once in totals).
with active as (
    select * from {{ ref('fct_incubatee_quarter') }}
    where is_active and entity_kind = '企业' and uscc is not null
)
select
    period,
    uscc,
    min(entity_name) as entity_name,
    count(distinct carrier_id) as carrier_count,
    string_agg(distinct carrier_id, ',' order by carrier_id) as carrier_ids
from active
group by period, uscc
having count(distinct carrier_id) > 1
