-- ros_financing_decreased: cumulative financing below the same enterprise's at the carrier
-- the quarter before (the newest figure of it: tonight's later file over staging)
with before as (
    select carrier_id, uscc, period, financing_cum
    from ctx_roster
    where carrier_id is not null and period is not null and uscc is not null
      and financing_cum is not null
    qualify row_number() over (
        partition by carrier_id, uscc, period order by src desc, pos desc
    ) = 1
)
select
    'ros_financing_decreased' as rule_id, c.file_index, c.pos,
    c.source_sheet as sheet, c.source_row as row,
    cast(c.financing_cum as varchar) as value, null::varchar as zone_code
from checked as c
join before as b
    on b.carrier_id = c.carrier_id and b.uscc = c.uscc
   and b.period = previous_period(c.period)
where b.financing_cum > try_cast(c.financing_cum as double)
