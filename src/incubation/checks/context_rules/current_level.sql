-- reg_current_level_disagrees: the stated level against the highest recognition in force
-- on $today (staging and tonight's recognitions); `levels` ranks them (0 = the highest)
with in_force as (
    select r.carrier_id, arg_min(r.level, k.rank) as level
    from ctx_recognition as r
    inner join levels as k on r.level = k.level
    where r.status = '有效'
      and r.recognized_date <= $today
      and (r.valid_until is null or r.valid_until >= $today)
    group by r.carrier_id
)
select
    'reg_current_level_disagrees' as rule_id, c.file_index, c.pos,
    c.source_sheet as sheet, c.source_row as row,
    cast(c.current_level as varchar) as value, null::varchar as zone_code
from checked as c
left join in_force as f on f.carrier_id = c.carrier_id
where c.current_level is not null
  and c.current_level <> coalesce(f.level, '未认定')
