-- Every period-report measure of every carrier and quarter (the latest accepted report),
-- with the carrier's zone. Measures are in canonical units: area 平方米, money 万元.
with reports as (
    select * from {{ ref('stg_inbox__carrier_period_report') }}
),
carriers as (
    select * from {{ ref('int_carriers') }}
)
select
    reports.carrier_id,
    reports.period,
    carriers.zone_code,
    carriers.carrier_type,
    reports.area_m2_eop,
    reports.incubatees_eop,
    reports.teams_eop,
    reports.incubatees_new,
    reports.graduates_period,
    reports.exits_period,
    reports.graduates_cum,
    reports.cq_tech_ent_eop,
    reports.tech_sme_eop,
    reports.hnte_eop,
    reports.tech_ent_cultivated_cum,
    reports.employees,
    reports.fresh_grads,
    reports.team_members,
    reports.incubatee_revenue,
    reports.carrier_revenue,
    reports.rev_service,
    reports.rev_property,
    reports.rev_investment,
    reports.incubation_fund,
    reports.financed_count,
    reports.financing_amount,
    reports.staff_total,
    reports.staff_professional,
    reports.mentors,
    reports.ip_applied,
    reports.ip_granted,
    reports.ip_valid,
    reports.ip_valid_invention,
    reports.ent_with_patent_app,
    reports.ent_with_valid_ip,
    reports.events,
    reports.training_attendance,
    reports.remarks,
    reports.submission_id,
    reports.submitted_by_unit,
    reports.accepted_at
from reports
left join carriers on reports.carrier_id = carriers.carrier_id
