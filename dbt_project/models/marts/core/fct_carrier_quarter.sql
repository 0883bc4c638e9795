-- Every carrier and every quarter it was active in (int_carrier_quarters), with the measures
-- of its latest accepted period report for the quarter (null when it sent none, or left a
-- measure "not reported") and the area the plan counts for it, with where that area came
-- from. Measures are in canonical units: area 平方米, money 万元.
with quarters as (
    select * from {{ ref('int_carrier_quarters') }}
),
reports as (
    select * from {{ ref('stg_inbox__carrier_period_report') }}
)
select
    quarters.carrier_id,
    quarters.period,
    quarters.zone_code,
    quarters.carrier_type,
    quarters.has_report,
    quarters.has_roster,
    quarters.area_m2,
    quarters.area_source,
    quarters.area_from_period,
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
from quarters
left join reports
    on quarters.carrier_id = reports.carrier_id and quarters.period = reports.period
