-- The period report against the carrier's accepted report of the quarter before
-- (staging, or tonight's: the later file wins)
with previous as (
    select *
    from ctx_reports
    qualify row_number() over (partition by carrier_id, period order by src desc, pos desc) = 1
),
rows as (
    select
        c.file_index, c.pos, c.source_sheet as sheet, c.source_row as row,
        try_cast(c.area_m2_eop as double) as area, p.area_m2_eop as p_area,
        try_cast(c.graduates_cum as double) as grad_cum, p.graduates_cum as p_grad_cum,
        try_cast(c.graduates_period as double) as grad_period,
        try_cast(c.tech_ent_cultivated_cum as double) as tech_cum,
        p.tech_ent_cultivated_cum as p_tech_cum,
        try_cast(c.incubatees_eop as double) as eop, p.incubatees_eop as p_eop,
        try_cast(c.incubatees_new as double) as new,
        try_cast(c.exits_period as double) as exits,
        c.area_m2_eop as v_area, c.graduates_cum as v_grad_cum,
        c.graduates_period as v_grad_period,
        c.tech_ent_cultivated_cum as v_tech_cum, c.incubatees_eop as v_eop
    from checked as c
    join previous as p
        on p.carrier_id = c.carrier_id and p.period = previous_period(c.period)
)
select 'rep_area_jump' as rule_id, file_index, pos, sheet, row,
       cast(v_area as varchar) as value, null::varchar as zone_code
from rows where p_area > 0 and abs(area - p_area) > 0.5 * p_area
union all
select 'rep_graduates_cum_decreased', file_index, pos, sheet, row, cast(v_grad_cum as varchar), null
from rows where p_grad_cum > grad_cum
union all
select 'rep_graduates_cum_identity', file_index, pos, sheet, row,
       concat_ws(' / ', cast(v_grad_cum as varchar), cast(v_grad_period as varchar)), null
from rows where grad_cum <> p_grad_cum + grad_period
union all
select 'rep_tech_cum_decreased', file_index, pos, sheet, row, cast(v_tech_cum as varchar), null
from rows where p_tech_cum > tech_cum
union all
select 'rep_stock_flow_identity', file_index, pos, sheet, row, cast(v_eop as varchar), null
from rows where eop <> p_eop + new - grad_period - exits
