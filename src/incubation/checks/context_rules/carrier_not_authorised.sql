-- rep/ros_not_authorised: a known carrier in a zone the file's unit does not lead
select
    $rule_id as rule_id, c.file_index, c.pos, c.source_sheet as sheet, c.source_row as row,
    cast(c.carrier_id as varchar) as value, k.zone_code
from checked as c
join carriers as k on k.carrier_id = c.carrier_id
where c.unit_code <> (select unit_code from coordinator)
  and not exists (
      select 1 from allowed as a where a.unit_code = c.unit_code and a.zone_code = k.zone_code
  )
