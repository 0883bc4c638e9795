-- Every enterprise and team on a carrier's roster in a quarter (the latest accepted roster),
-- with its incubation time in months and flags for the quarter.
with roster as (
    select * from {{ ref('stg_inbox__incubatee_roster') }}
),
carriers as (
    select * from {{ ref('int_carriers') }}
),
dated as (
    select
        roster.*,
        {{ period_end('roster.period') }} as period_end,
        make_date(
            cast(left(roster.period, 4) as integer), cast(right(roster.period, 1) as integer) * 3 - 2, 1
        ) as period_start
    from roster
)
select
    dated.carrier_id,
    dated.period,
    carriers.zone_code,
    dated.entity_kind,
    dated.entity_name,
    dated.uscc,
    dated.status,
    dated.established_date,
    dated.entry_date,
    dated.graduation_date,
    dated.exit_date,
    round(
        date_diff('day', dated.entry_date, coalesce(dated.graduation_date, dated.exit_date, dated.period_end))
        / 30.4375,
        1
    ) as incubation_months,
    dated.status = '在孵' as is_active,
    dated.status = '已毕业' and dated.graduation_date >= dated.period_start as graduated_in_period,
    dated.status in ('已迁出', '已注销') as exited,
    coalesce(dated.is_cq_tech_ent, false) as is_cq_tech_ent,
    coalesce(dated.is_tech_sme, false) as is_tech_sme,
    coalesce(dated.is_hnte, false) as is_hnte,
    dated.industry_yz,
    dated.tech_field,
    dated.employees,
    dated.revenue,
    dated.financing_cum,
    dated.ip_valid,
    dated.submission_id,
    dated.submitted_by_unit
from dated
left join carriers on dated.carrier_id = carriers.carrier_id
