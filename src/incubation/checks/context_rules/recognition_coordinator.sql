-- rec_coordinator_only: recognitions from any unit but the coordinator, one problem per sheet
-- (its first row)
select
    'rec_coordinator_only' as rule_id, file_index, pos, source_sheet as sheet,
    source_row as row, cast(carrier_id as varchar) as value, null::varchar as zone_code
from checked
where unit_code <> (select unit_code from coordinator)
qualify source_row = min(source_row) over (partition by file_index, source_sheet)
