"""Rules of T2 孵化载体运营情况季报 (carrier_period_report)."""

from __future__ import annotations

from incubation.checks.problems import SEVERITY_ERROR as E
from incubation.checks.problems import SEVERITY_INFO as INFO
from incubation.checks.problems import SEVERITY_WARNING as W
from incubation.checks.rules.columns import mask, number
from incubation.checks.rules.model import Rule, registry
from incubation.checks.rules.shared import carrier_unknown_rule, not_authorised_rule, period_rule

REVENUE_TOLERANCE = 1.005  # the parts may exceed the total by rounding
MOST_EMPLOYEES_PER_FIRM = 500
PROFESSIONAL_SHARE = 0.8  # of the service staff, the national standard
FIRMS_PER_MENTOR = 10


def revenue_parts_exceed_total(frame, ctx):
    parts = (
        number(frame, "rev_service").fillna(0)
        + number(frame, "rev_property").fillna(0)
        + number(frame, "rev_investment").fillna(0)
    )
    return mask(parts > number(frame, "carrier_revenue") * REVENUE_TOLERANCE)


def more_financed_than_firms(frame, ctx):
    firms = (
        number(frame, "incubatees_eop")
        + number(frame, "teams_eop")
        + number(frame, "exits_period").fillna(0)
    )
    return mask(number(frame, "financed_count") > firms)


def financing_count_and_amount_disagree(frame, ctx):
    return mask((number(frame, "financing_amount") > 0) != (number(frame, "financed_count") > 0))


def professional_share_low(frame, ctx):
    return mask(
        number(frame, "staff_professional") < PROFESSIONAL_SHARE * number(frame, "staff_total")
    )


RULES = registry(
    "carrier_period_report",
    period_rule("rep_period_out_of_range"),
    carrier_unknown_rule("rep_carrier_unknown"),
    not_authorised_rule("rep_not_authorised"),
    Rule(
        id="rep_revenue_parts_exceed_total",
        severity=E,
        columns=("rev_service", "rev_property", "rev_investment", "carrier_revenue"),
        message_zh="综合服务、物业、投资收入之和超过“载体运营总收入”",
        fix_zh="请核对收入构成",
        check=revenue_parts_exceed_total,
    ),
    Rule(
        id="rep_tech_cum_below_eop",
        severity=W,
        columns=("tech_ent_cultivated_cum", "cq_tech_ent_eop"),
        message_zh="“累计孵化培育科技型企业数”小于期末在孵的重庆市科技型企业数",
        fix_zh="请核对累计数",
        check=lambda f, c: mask(
            number(f, "tech_ent_cultivated_cum") < number(f, "cq_tech_ent_eop")
        ),
    ),
    Rule(
        id="rep_employees_below_incubatees",
        severity=W,
        columns=("employees", "incubatees_eop"),
        message_zh="在孵企业从业人员少于在孵企业数（每家企业至少 1 人）",
        fix_zh="请核对从业人员",
        check=lambda f, c: mask(number(f, "employees") < number(f, "incubatees_eop")),
    ),
    Rule(
        id="rep_employees_per_firm_high",
        severity=W,
        columns=("employees",),
        message_zh="在孵企业平均从业人员超过 500 人",
        fix_zh="请核对从业人员（单位：人）",
        check=lambda f, c: mask(
            number(f, "employees") > MOST_EMPLOYEES_PER_FIRM * number(f, "incubatees_eop")
        ),
    ),
    Rule(
        id="rep_team_members_below_teams",
        severity=W,
        columns=("team_members", "teams_eop"),
        message_zh="创业团队人员数少于创业团队数",
        fix_zh="请核对团队人数",
        check=lambda f, c: mask(number(f, "team_members") < number(f, "teams_eop")),
    ),
    Rule(
        id="rep_financed_count_high",
        severity=W,
        columns=("financed_count",),
        message_zh="获得投融资的企业（团队）数多于在孵企业、团队与迁出企业之和",
        fix_zh="请核对",
        check=more_financed_than_firms,
    ),
    Rule(
        id="rep_financing_count_amount",
        severity=W,
        columns=("financed_count", "financing_amount"),
        message_zh="“获得投融资金额”与“获得投融资的企业数”不一致（一个为 0，另一个不为 0）",
        fix_zh="请核对两项",
        check=financing_count_and_amount_disagree,
    ),
    Rule(
        id="rep_professional_ratio_low",
        severity=INFO,
        columns=("staff_professional",),
        message_zh="专业孵化服务人员不足管理服务人员的 80%（低于国家级标准）",
        fix_zh="如属实可不修改",
        check=professional_share_low,
    ),
    Rule(
        id="rep_mentors_low",
        severity=INFO,
        columns=("mentors",),
        message_zh="创业导师少于每 10 家在孵企业 1 名",
        fix_zh="如属实可不修改",
        check=lambda f, c: mask(
            number(f, "mentors") * FIRMS_PER_MENTOR < number(f, "incubatees_eop")
        ),
    ),
    Rule(
        id="rep_area_jump",
        severity=W,
        columns=("area_m2_eop",),
        message_zh="期末载体面积与上一季度相比变化超过 50%",
        fix_zh="请核对面积及单位（平方米）",
        query="report_previous_quarter",
    ),
    Rule(
        id="rep_graduates_cum_decreased",
        severity=E,
        columns=("graduates_cum",),
        message_zh="累计毕业企业数小于上一季度",
        fix_zh="累计数不能减少，请核对",
        query="report_previous_quarter",
    ),
    Rule(
        id="rep_graduates_cum_identity",
        severity=W,
        columns=("graduates_cum", "graduates_period"),
        message_zh="累计毕业企业数不等于上一季度累计数加本期毕业数",
        fix_zh="请核对累计数与本期数",
        query="report_previous_quarter",
    ),
    Rule(
        id="rep_tech_cum_decreased",
        severity=E,
        columns=("tech_ent_cultivated_cum",),
        message_zh="累计孵化培育科技型企业数小于上一季度",
        fix_zh="累计数不能减少，请核对",
        query="report_previous_quarter",
    ),
    Rule(
        id="rep_stock_flow_identity",
        severity=W,
        columns=("incubatees_eop",),
        message_zh="期末在孵企业数不等于上季度末数 + 本期新增 − 本期毕业 − 本期迁出/注销",
        fix_zh="请核对各项数字",
        query="report_previous_quarter",
    ),
    Rule(
        id="rep_teams_at_accelerator",
        severity=INFO,
        columns=("teams_eop",),
        message_zh="加速器一般不入驻创业团队",
        fix_zh="如属实可不修改",
        query="report_carrier_type",
    ),
    Rule(
        id="rep_no_events_maker_space",
        severity=INFO,
        columns=("events",),
        message_zh="众创空间全年未举办创新创业活动（标准为每年 10 场）",
        fix_zh="如属实可不修改",
        query="report_carrier_type",
    ),
    Rule(
        id="rep_roster_incubatees_mismatch",
        severity=W,
        columns=("incubatees_eop",),
        message_zh="期末在孵企业数与同期在孵企业名单中“在孵”企业的行数不一致",
        fix_zh="请核对季报与名单",
        query="report_against_roster",
    ),
    Rule(
        id="rep_roster_teams_mismatch",
        severity=W,
        columns=("teams_eop",),
        message_zh="期末在孵创业团队数与同期名单中“在孵”团队的行数不一致",
        fix_zh="请核对季报与名单",
        query="report_against_roster",
    ),
    Rule(
        id="rep_roster_cq_tech_mismatch",
        severity=W,
        columns=("cq_tech_ent_eop",),
        message_zh="重庆市科技型企业数与同期名单中标为“是”的在孵企业数不一致",
        fix_zh="请核对季报与名单",
        query="report_against_roster",
    ),
    Rule(
        id="rep_roster_graduates_mismatch",
        severity=W,
        columns=("graduates_period",),
        message_zh="本期毕业企业数与同期名单中本期毕业的企业数不一致",
        fix_zh="请核对季报与名单",
        query="report_against_roster",
    ),
)
