-- rep/ros/rec_carrier_unknown: a carrier code not in the registry (staging or tonight's)
select
    $rule_id as rule_id, c.file_index, c.pos, c.source_sheet as sheet, c.source_row as row,
    cast(c.carrier_id as varchar) as value, null::varchar as zone_code
from checked as c
anti join carriers as k on k.carrier_id = c.carrier_id
where c.carrier_id is not null
