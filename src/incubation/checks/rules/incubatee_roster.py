"""Rules of T3 在孵企业（团队）名单 (incubatee_roster)."""

from __future__ import annotations

import pandas as pd

from incubation.checks.problems import SEVERITY_ERROR as E
from incubation.checks.problems import SEVERITY_INFO as INFO
from incubation.checks.problems import SEVERITY_WARNING as W
from incubation.checks.rules.columns import date, map_unique, mask, number, period_end
from incubation.checks.rules.model import Rule, registry
from incubation.checks.rules.shared import (
    carrier_unknown_rule,
    expected_check_character,
    not_authorised_rule,
    period_rule,
    wrong_check_character,
)

MOST_MONTHS = 48  # of incubation (国家级科技企业孵化器认定管理办法)
MOST_MONTHS_LONG_FIELDS = 60
LONG_INCUBATION_FIELDS = ("生物医药", "生物与新医药", "集成电路", "现代农业")
LARGEST_OCCUPIED_AREA_M2 = 1000
HNTE_VALID_YEARS = 3
DAYS_PER_MONTH = 30.4375


def incubation_months(frame: pd.DataFrame) -> pd.Series:
    """Months from entry to graduation, exit or (still incubated) the period's end."""
    end = date(frame, "graduation_date").fillna(date(frame, "exit_date")).fillna(period_end(frame))
    return (end - date(frame, "entry_date")).dt.days / DAYS_PER_MONTH


def most_months(tech_field) -> int:
    long = isinstance(tech_field, str) and any(f in tech_field for f in LONG_INCUBATION_FIELDS)
    return MOST_MONTHS_LONG_FIELDS if long else MOST_MONTHS


def incubated_too_long(frame, ctx):
    allowed = map_unique(frame["tech_field"], most_months).astype(float)
    return mask(incubation_months(frame) > allowed)


def graduation_date_disagrees_with_status(frame, ctx):
    return mask((frame["status"] == "已毕业") != frame["graduation_date"].notna())


def exit_without_date(frame, ctx):
    return mask(frame["status"].isin(["已迁出", "已注销"]) & frame["exit_date"].isna())


def team_with_enterprise_flags(frame, ctx):
    flagged = (
        frame["is_cq_tech_ent"].notna() | frame["is_tech_sme"].notna() | frame["is_hnte"].notna()
    )
    return mask((frame["entity_kind"] == "创业团队") & flagged)


def hnte_certificate_expired(frame, ctx):
    expires = date(frame, "hnte_issue_date") + pd.DateOffset(years=HNTE_VALID_YEARS)
    return mask(expires < period_end(frame))


def enterprise_without_employees(frame, ctx):
    return mask((frame["entity_kind"] == "企业") & (number(frame, "employees") < 1))


RULES = registry(
    "incubatee_roster",
    period_rule("ros_period_out_of_range"),
    Rule(
        id="ros_uscc_required_for_enterprise",
        severity=E,
        columns=("uscc",),
        message_zh="主体类型为“企业”的，统一社会信用代码为必填项",
        fix_zh="请填写营业执照上的 18 位代码；尚未注册的请将主体类型改为“创业团队”",
        check=lambda f, c: mask((f["entity_kind"] == "企业") & f["uscc"].isna()),
    ),
    Rule(
        id="ros_uscc_filled_for_team",
        severity=W,
        columns=("uscc",),
        message_zh="创业团队不应填写统一社会信用代码",
        fix_zh="已注册的请将主体类型改为“企业”",
        check=lambda f, c: mask((f["entity_kind"] == "创业团队") & f["uscc"].notna()),
    ),
    Rule(
        id="ros_uscc_check_character",
        severity=E,
        columns=("uscc",),
        message_zh="统一社会信用代码校验位错误（GB 32100-2015）",
        fix_zh="请对照营业执照逐位核对代码",
        check=wrong_check_character("uscc"),
        detail=expected_check_character("uscc"),
    ),
    Rule(
        id="ros_team_lead_required",
        severity=W,
        columns=("team_lead",),
        message_zh="创业团队应填写“团队负责人”",
        fix_zh="请填写负责人姓名",
        check=lambda f, c: mask((f["entity_kind"] == "创业团队") & f["team_lead"].isna()),
    ),
    Rule(
        id="ros_established_required",
        severity=W,
        columns=("established_date",),
        message_zh="企业应填写“成立（注册）日期”",
        fix_zh="请按营业执照填写",
        check=lambda f, c: mask((f["entity_kind"] == "企业") & f["established_date"].isna()),
    ),
    Rule(
        id="ros_established_after_period",
        severity=E,
        columns=("established_date",),
        message_zh="成立日期晚于报告期末",
        fix_zh="请核对成立日期或报告期",
        check=lambda f, c: mask(date(f, "established_date") > period_end(f)),
    ),
    Rule(
        id="ros_entry_after_period",
        severity=E,
        columns=("entry_date",),
        message_zh="入驻日期晚于报告期末",
        fix_zh="请核对入驻日期或报告期",
        check=lambda f, c: mask(date(f, "entry_date") > period_end(f)),
    ),
    Rule(
        id="ros_graduation_date_iff_graduated",
        severity=E,
        columns=("graduation_date", "status"),
        message_zh="“毕业日期”只在状态为“已毕业”时填写，且“已毕业”必须填写毕业日期",
        fix_zh="请核对状态与毕业日期",
        check=graduation_date_disagrees_with_status,
    ),
    Rule(
        id="ros_graduation_after_period",
        severity=E,
        columns=("graduation_date",),
        message_zh="毕业日期晚于报告期末",
        fix_zh="请核对毕业日期",
        check=lambda f, c: mask(date(f, "graduation_date") > period_end(f)),
    ),
    Rule(
        id="ros_graduation_basis_required",
        severity=W,
        columns=("graduation_basis",),
        message_zh="已毕业企业应填写“毕业依据”",
        fix_zh="请选择毕业依据",
        check=lambda f, c: mask((f["status"] == "已毕业") & f["graduation_basis"].isna()),
    ),
    Rule(
        id="ros_exit_date_required",
        severity=W,
        columns=("exit_date",),
        message_zh="已迁出或已注销的，应填写“退出日期”",
        fix_zh="请填写退出日期",
        check=exit_without_date,
    ),
    Rule(
        id="ros_incubation_too_long",
        severity=W,
        columns=("entry_date",),
        message_zh="孵化时长超过 48 个月（生物医药、集成电路、现代农业为 60 个月）",
        fix_zh="请核对入驻日期或在孵状态",
        check=incubated_too_long,
    ),
    Rule(
        id="ros_entry_age",
        severity=W,
        columns=("entry_date", "established_date"),
        message_zh="企业入驻孵化器时成立已超过 24 个月（不符合在孵企业条件）",
        fix_zh="请核对成立日期与入驻日期",
        query="roster_entry_age",
    ),
    Rule(
        id="ros_not_registered_in_carrier",
        severity=INFO,
        columns=("registered_in_carrier",),
        message_zh="注册地不在载体内",
        fix_zh="如属实可不修改",
        check=lambda f, c: mask(f["registered_in_carrier"].eq(False)),
    ),
    Rule(
        id="ros_occupied_area_large",
        severity=INFO,
        columns=("occupied_area_m2",),
        message_zh="单个企业占用场地超过 1000 平方米",
        fix_zh="如属实可不修改",
        check=lambda f, c: mask(number(f, "occupied_area_m2") > LARGEST_OCCUPIED_AREA_M2),
    ),
    Rule(
        id="ros_flags_only_for_enterprises",
        severity=E,
        columns=("is_cq_tech_ent", "is_tech_sme", "is_hnte"),
        message_zh="科技型企业、科技型中小企业、高新技术企业标识只适用于企业，创业团队应留空",
        fix_zh="请清空这三列",
        check=team_with_enterprise_flags,
    ),
    Rule(
        id="ros_hnte_cert_required",
        severity=W,
        columns=("hnte_cert_no",),
        message_zh="高新技术企业应填写“高企证书编号”",
        fix_zh="请填写证书编号",
        check=lambda f, c: mask(f["is_hnte"].eq(True) & f["hnte_cert_no"].isna()),
    ),
    Rule(
        id="ros_hnte_expired",
        severity=W,
        columns=("hnte_issue_date",),
        message_zh="高新技术企业证书已超过 3 年有效期",
        fix_zh="请核对是否已重新认定",
        check=hnte_certificate_expired,
    ),
    Rule(
        id="ros_enterprise_without_employees",
        severity=W,
        columns=("employees",),
        message_zh="企业从业人员应至少 1 人",
        fix_zh="请核对从业人员",
        check=enterprise_without_employees,
    ),
    carrier_unknown_rule("ros_carrier_unknown"),
    not_authorised_rule("ros_not_authorised"),
    Rule(
        id="ros_shared_with_other_carrier",
        severity=W,
        columns=("uscc",),
        message_zh="该企业同期也在其他载体的名单中“在孵”",
        fix_zh="请与相关载体核实企业实际所在载体",
        query="roster_shared",
    ),
    Rule(
        id="ros_financing_decreased",
        severity=W,
        columns=("financing_cum",),
        message_zh="累计获得投融资小于上一季度",
        fix_zh="累计数不能减少，请核对",
        query="roster_financing",
    ),
    Rule(
        id="ros_occupied_area_exceeds_tenant_area",
        severity=W,
        columns=("occupied_area_m2",),
        message_zh="同一载体同期各企业占用场地面积之和超过基本信息表中的“在孵企业使用面积”",
        fix_zh="请核对各企业占用面积或载体面积",
        query="roster_occupied_area",
    ),
)
