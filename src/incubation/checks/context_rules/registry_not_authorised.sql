-- reg_not_authorised: a registry row in a zone the file's unit does not lead
with placed as (
    select c.*, z.zone_code
    from checked as c
    left join zone_names as z on z.zone_name = c.zone
)
select
    'reg_not_authorised' as rule_id, file_index, pos, source_sheet as sheet, source_row as row,
    cast(zone as varchar) as value, zone_code
from placed as p
where zone is not null
  and unit_code <> (select unit_code from coordinator)
  and not exists (
      select 1 from allowed as a where a.unit_code = p.unit_code and a.zone_code = p.zone_code
  )
