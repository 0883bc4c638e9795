-- Roster against period report per carrier and quarter: the counts each gives, and whether
-- they agree (incubatees, teams, Chongqing tech enterprises, graduates of the quarter).
with reports as (
    select * from {{ ref('fct_carrier_quarter') }}
),
roster as (
    select
        carrier_id,
        period,
        count(*) filter (where is_active and entity_kind = '企业') as roster_incubatees,
        count(*) filter (where is_active and entity_kind = '创业团队') as roster_teams,
        count(*) filter (where is_active and entity_kind = '企业' and is_cq_tech_ent)
            as roster_cq_tech_ent,
        count(*) filter (where graduated_in_period and entity_kind = '企业') as roster_graduates
    from {{ ref('fct_incubatee_quarter') }}
    group by carrier_id, period
),
joined as (
    select
        coalesce(reports.carrier_id, roster.carrier_id) as carrier_id,
        coalesce(reports.period, roster.period) as period,
        reports.carrier_id is not null as has_report,
        roster.carrier_id is not null as has_roster,
        reports.incubatees_eop as report_incubatees,
        roster.roster_incubatees,
        reports.teams_eop as report_teams,
        roster.roster_teams,
        reports.cq_tech_ent_eop as report_cq_tech_ent,
        roster.roster_cq_tech_ent,
        reports.graduates_period as report_graduates,
        roster.roster_graduates
    from reports
    full outer join roster
        on reports.carrier_id = roster.carrier_id and reports.period = roster.period
)
select
    *,
    has_report
    and has_roster
    and coalesce(report_incubatees, -1) = coalesce(roster_incubatees, -1)
    and coalesce(report_teams, -1) = coalesce(roster_teams, -1)
    and coalesce(report_cq_tech_ent, -1) = coalesce(roster_cq_tech_ent, -1)
    and coalesce(report_graduates, -1) = coalesce(roster_graduates, -1) as is_consistent
from joined
