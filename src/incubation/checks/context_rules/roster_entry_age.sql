-- ros_entry_age: at an incubator, an enterprise that entered more than 24 months after it
-- was established
select
    'ros_entry_age' as rule_id, c.file_index, c.pos, c.source_sheet as sheet,
    c.source_row as row,
    nullif(concat_ws(' / ', cast(c.entry_date as varchar), cast(c.established_date as varchar)), '')
        as value,
    null::varchar as zone_code
from checked as c
join carriers as k on k.carrier_id = c.carrier_id
where k.carrier_type in ('科技企业孵化器')
  and date_diff('day', try_cast(c.established_date as timestamp), try_cast(c.entry_date as timestamp)) > 730
