-- ros_shared_with_other_carrier: an enterprise 在孵 here whose code is 在孵 at another carrier
-- the same quarter (staging and tonight's rosters)
with active as (
    select uscc, period, count(distinct carrier_id) as carriers, min(carrier_id) as carrier_id
    from ctx_roster
    where status = '在孵' and uscc is not null and carrier_id is not null and period is not null
    group by uscc, period
)
select
    'ros_shared_with_other_carrier' as rule_id, c.file_index, c.pos,
    c.source_sheet as sheet, c.source_row as row,
    cast(c.uscc as varchar) as value, null::varchar as zone_code
from checked as c
join active as a on a.uscc = c.uscc and a.period = c.period
where c.status = '在孵'
  and (a.carriers > 1 or a.carrier_id is distinct from c.carrier_id)
