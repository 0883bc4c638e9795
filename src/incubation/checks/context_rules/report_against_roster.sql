-- The period report's figures against the roster of the same carrier-quarter (the newest
-- roster of it: tonight's later file over earlier ones over staging)
with counted as (
    select
        src, carrier_id, period,
        count(*) filter (where status = '在孵' and entity_kind = '企业') as enterprises,
        count(*) filter (where status = '在孵' and entity_kind = '创业团队') as teams,
        count(*) filter (
            where status = '在孵' and entity_kind = '企业' and is_cq_tech_ent
        ) as cq_tech,
        count(*) filter (
            where status = '已毕业' and entity_kind = '企业'
              and graduation_date >= quarter_start(period)
        ) as graduated
    from ctx_roster
    where carrier_id is not null and period is not null
    group by src, carrier_id, period
),
counts as (
    select * from counted
    qualify row_number() over (partition by carrier_id, period order by src desc) = 1
),
rows as (
    select
        c.file_index, c.pos, c.source_sheet as sheet, c.source_row as row,
        c.incubatees_eop, c.teams_eop, c.cq_tech_ent_eop, c.graduates_period,
        n.enterprises, n.teams, n.cq_tech, n.graduated
    from checked as c
    join counts as n on n.carrier_id = c.carrier_id and n.period = c.period
)
select 'rep_roster_incubatees_mismatch' as rule_id, file_index, pos, sheet, row,
       cast(incubatees_eop as varchar) as value, null::varchar as zone_code
from rows where try_cast(incubatees_eop as double) <> enterprises
union all
select 'rep_roster_teams_mismatch', file_index, pos, sheet, row, cast(teams_eop as varchar), null
from rows where try_cast(teams_eop as double) <> teams
union all
select 'rep_roster_cq_tech_mismatch', file_index, pos, sheet, row,
       cast(cq_tech_ent_eop as varchar), null
from rows where try_cast(cq_tech_ent_eop as double) <> cq_tech
union all
select 'rep_roster_graduates_mismatch', file_index, pos, sheet, row,
       cast(graduates_period as varchar), null
from rows where try_cast(graduates_period as double) <> graduated
