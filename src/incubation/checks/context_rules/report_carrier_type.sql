-- Period-report rules that depend on the carrier's type in the registry
with rows as (
    select c.*, k.carrier_type
    from checked as c
    join carriers as k on k.carrier_id = c.carrier_id
)
select 'rep_teams_at_accelerator' as rule_id, file_index, pos, source_sheet as sheet,
       source_row as row, cast(teams_eop as varchar) as value, null::varchar as zone_code
from rows
where carrier_type = '加速器' and try_cast(teams_eop as double) > 0
union all
select 'rep_no_events_maker_space', file_index, pos, source_sheet, source_row,
       cast(events as varchar), null
from rows
where carrier_type = '众创空间' and period like '%Q4' and try_cast(events as double) = 0
