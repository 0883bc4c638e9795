"""Domain rules that GX suites cannot express, as data: one ``Rule`` per rule of the templates.

A rule belongs to a template, has a severity (E rejects the file, W warns, I informs), the
columns it is located by, a Chinese message and fix, and a function from (frame, context) to
the failing rows. Row-local rules need only the frame; context rules (``needs_context``) need
what the warehouse and the other files of the night already hold (known carriers, who may
report them, the previous quarter, rosters against period reports): they run as SQL in DuckDB
(``checks.context`` and ``checks/context_rules/*.sql``), not here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from incubation.checks import uscc
from incubation.checks.problems import SEVERITY_ERROR, SEVERITY_INFO, SEVERITY_WARNING, Problem
from incubation.checks.reference import level_of_type
from incubation.parsing.normalise import period_of, quarter_end
from incubation.settings import SEEDS_DIR

E, W, INFO = SEVERITY_ERROR, SEVERITY_WARNING, SEVERITY_INFO
FIRST_PERIOD = "2021Q1"
LONG_INCUBATION_FIELDS = ("生物医药", "生物与新医药", "集成电路", "现代农业")
INCUBATOR_TYPES = ("科技企业孵化器",)
LEVEL_OF_TYPE = level_of_type(SEEDS_DIR)  # seed recognition_types
TYPICAL_AWARD = {"优秀": 50.0, "良好": 30.0}
DOCUMENT_NO = re.compile(r"^.+[〔\[【(]\d{4}[〕\]】)]\d+号$")


@dataclass
class CheckContext:
    """What a file is checked against besides itself: the day, and the plan's seeds (who
    may report which zone), which the context rules' SQL reads."""

    today: dt.date
    unit_code: str = ""
    coordinator: str = "sci_tech_bureau"
    allowed_zones: dict[str, set[str]] = field(default_factory=dict)  # unit -> zone codes
    zone_units: dict[str, list[str]] = field(default_factory=dict)  # zone -> unit names
    zone_names: dict[str, str] = field(default_factory=dict)  # zone name -> code


Check = Callable[[pd.DataFrame, CheckContext], pd.Series]


@dataclass(frozen=True)
class Rule:
    id: str
    template: str
    severity: str
    columns: tuple[str, ...]
    message_zh: str
    fix_zh: str
    failing: Check | None  # None for a context rule: its SQL in ``checks/context_rules``
    needs_context: bool = False


# ------------------------------------------------------------------------ helpers
def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce").astype("Float64")


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_datetime(frame[column], errors="coerce")


def _period_end(frame: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(
        map_unique(frame["period"], lambda p: quarter_end(p) if isinstance(p, str) else None),
        errors="coerce",
    )


def map_unique(series: pd.Series, fn) -> pd.Series:
    """``series.map(fn)`` calling ``fn`` once per distinct value (None for missing ones)."""
    codes, uniques = pd.factorize(series)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:] = [*(fn(u) for u in uniques), fn(None)]
    return pd.Series(results[codes], index=series.index, dtype=object)


def _mask(series) -> pd.Series:
    return pd.Series(series).fillna(False).astype(bool)


_RECORDS: list = [None, None, None]  # the last frame made dicts, its columns, the dicts


def _records(frame: pd.DataFrame, columns: tuple[str, ...] | None) -> list[dict]:
    """``frame[columns].to_dict("records")``, made once for the rules that walk one frame,
    column by column (the same values, 3–5 times faster: 228k roster rows 2.35 → 0.48 s)."""
    if _RECORDS[0] is not frame or _RECORDS[1] != columns:
        names = list(frame.columns) if columns is None else list(columns)
        values = [_python_values(frame[name]) for name in names]
        rows = [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]
        _RECORDS[:] = [frame, columns, rows or [{} for _ in range(len(frame))]]
    return _RECORDS[2]


def _python_values(column: pd.Series) -> np.ndarray:
    """A column's values as ``to_dict`` gives them: Python objects, a nullable number's or
    flag's NA as None."""
    dtype = column.dtype
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iufb":
        return column.to_numpy(dtype=object, na_value=None)
    return column.to_numpy(dtype=object)


def _row_map(frame: pd.DataFrame, fn, columns: tuple[str, ...] | None = None) -> pd.Series:
    """``fn`` of each row as a dict (of ``columns`` only, when given: faster on wide frames)."""
    rows = _records(frame, columns)
    return pd.Series([fn(row) for row in rows], index=frame.index, dtype=object)


def _present(*values) -> bool:
    return all(v is not None and not pd.isna(v) for v in values)


# ----------------------------------------------------------------- shared checks
def uscc_check_character(column: str) -> Check:
    def check(frame, ctx):
        codes, uniques = pd.factorize(frame[column])
        wrong = np.append(uscc.wrong_check_character(list(uniques)), False)  # -1: no code
        return _mask(pd.Series(wrong[codes], index=frame.index))

    return check


def period_out_of_range(frame, ctx):
    current = period_of(ctx.today)
    period = frame["period"]
    return _mask(period.notna() & ((period > current) | (period < FIRST_PERIOD)))


def org_code_inner_check(code: str) -> bool:
    """GB 11714 check of positions 9-17 (the organisation code inside the USCC)."""
    body, check = code[8:16], code[16]
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    expected = 11 - sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return {10: "X", 11: "0"}.get(expected, str(expected)) == check


# ------------------------------------------------------------------------- rules
REG, REP, ROS, REC = (
    "carrier_registry",
    "carrier_period_report",
    "incubatee_roster",
    "carrier_recognition",
)

RULES: list[Rule] = [
    # --- T1 孵化载体基本信息表
    Rule(
        "reg_specialization_required",
        REG,
        W,
        ("specialization",),
        "载体类型为“科技企业孵化器”的，应填写“孵化器类别”（综合/专业）",
        "请选择“综合”或“专业”",
        lambda f, c: _mask((f["carrier_type"] == "科技企业孵化器") & f["specialization"].isna()),
    ),
    Rule(
        "reg_specialization_field_required",
        REG,
        W,
        ("specialization_field",),
        "孵化器类别为“专业”的，应填写“专业领域”",
        "请填写专业领域，如“工业软件”",
        lambda f, c: _mask((f["specialization"] == "专业") & f["specialization_field"].isna()),
    ),
    Rule(
        "reg_operator_uscc_check_character",
        REG,
        E,
        ("operator_uscc",),
        "运营主体统一社会信用代码校验位错误（GB 32100-2015）",
        "请对照营业执照逐位核对代码",
        uscc_check_character("operator_uscc"),
    ),
    Rule(
        "reg_operator_uscc_org_code",
        REG,
        W,
        ("operator_uscc",),
        "运营主体统一社会信用代码第 9-17 位（组织机构代码）校验不通过",
        "请核对代码第 9-17 位",
        lambda f, c: _mask(
            map_unique(
                f["operator_uscc"],
                lambda x: isinstance(x, str) and uscc.is_valid(x) and not org_code_inner_check(x),
            )
        ),
    ),
    Rule(
        "reg_address_required",
        REG,
        W,
        ("address",),
        "“详细地址”未填写",
        "请填写载体的详细地址",
        lambda f, c: _mask(f["address"].isna()),
    ),
    Rule(
        "reg_start_in_future",
        REG,
        E,
        ("operation_start_date",),
        "“开始运营日期”晚于今天",
        "请填写实际开始运营的日期",
        lambda f, c: _mask(_dates(f, "operation_start_date") > pd.Timestamp(c.today)),
    ),
    Rule(
        "reg_start_before_1990",
        REG,
        W,
        ("operation_start_date",),
        "“开始运营日期”早于 1990 年",
        "请核对日期",
        lambda f, c: _mask(_dates(f, "operation_start_date") < pd.Timestamp(1990, 1, 1)),
    ),
    Rule(
        "reg_area_too_small",
        REG,
        W,
        ("total_area_m2",),
        "“载体总面积”小于 100 平方米，可能按万平方米填写",
        "面积单位为平方米，请核对",
        lambda f, c: _mask(_num(f, "total_area_m2") < 100),
    ),
    Rule(
        "reg_tenant_ratio_low",
        REG,
        INFO,
        ("tenant_area_m2", "incubation_area_m2"),
        "在孵企业使用面积不足孵化场地面积的 75%（低于认定标准）",
        "如属实可不修改",
        lambda f, c: _mask(_num(f, "tenant_area_m2") < 0.75 * _num(f, "incubation_area_m2")),
    ),
    Rule(
        "reg_workstations_required",
        REG,
        W,
        ("workstations",),
        "众创空间应填写“创业工位数”",
        "请填写工位数",
        lambda f, c: _mask((f["carrier_type"] == "众创空间") & f["workstations"].isna()),
    ),
    Rule(
        "reg_lease_end_required",
        REG,
        W,
        ("lease_end_date",),
        "场地产权为“租赁”的，应填写“租赁到期日”",
        "请填写租赁合同到期日",
        lambda f, c: _mask((f["property_type"] == "租赁") & f["lease_end_date"].isna()),
    ),
    Rule(
        "reg_lease_expired",
        REG,
        W,
        ("lease_end_date",),
        "租赁已到期",
        "请核对租赁到期日或续租情况",
        lambda f, c: _mask(_dates(f, "lease_end_date") < pd.Timestamp(c.today)),
    ),
    Rule(
        "reg_not_authorised",
        REG,
        E,
        ("zone",),
        "本单位不负责该片区的载体，不能报送",
        "请由负责该片区的单位报送，或联系区科技局",
        None,
        needs_context=True,
    ),
    Rule(
        "reg_current_level_disagrees",
        REG,
        W,
        ("current_level",),
        "“认定级别（当前最高）”与认定名单中有效的最高级别不一致",
        "请按区科技局报送的认定名单填写，或留空",
        None,
        needs_context=True,
    ),
    # --- T2 孵化载体运营情况季报
    Rule(
        "rep_period_out_of_range",
        REP,
        E,
        ("period",),
        "报告期不能早于 2021Q1，也不能是未来的季度",
        "请核对报告期",
        period_out_of_range,
    ),
    Rule(
        "rep_carrier_unknown",
        REP,
        E,
        ("carrier_id",),
        "载体编码未在孵化载体基本信息表中登记",
        "请先报送该载体的基本信息表，或核对载体编码",
        None,
        needs_context=True,
    ),
    Rule(
        "rep_not_authorised",
        REP,
        E,
        ("carrier_id",),
        "本单位不负责该载体所在片区，不能报送",
        "请由负责该片区的单位报送",
        None,
        needs_context=True,
    ),
    Rule(
        "rep_revenue_parts_exceed_total",
        REP,
        E,
        ("rev_service", "rev_property", "rev_investment", "carrier_revenue"),
        "综合服务、物业、投资收入之和超过“载体运营总收入”",
        "请核对收入构成",
        lambda f, c: _mask(
            (
                _num(f, "rev_service").fillna(0)
                + _num(f, "rev_property").fillna(0)
                + _num(f, "rev_investment").fillna(0)
            )
            > _num(f, "carrier_revenue") * 1.005
        ),
    ),
    Rule(
        "rep_tech_cum_below_eop",
        REP,
        W,
        ("tech_ent_cultivated_cum", "cq_tech_ent_eop"),
        "“累计孵化培育科技型企业数”小于期末在孵的重庆市科技型企业数",
        "请核对累计数",
        lambda f, c: _mask(_num(f, "tech_ent_cultivated_cum") < _num(f, "cq_tech_ent_eop")),
    ),
    Rule(
        "rep_employees_below_incubatees",
        REP,
        W,
        ("employees", "incubatees_eop"),
        "在孵企业从业人员少于在孵企业数（每家企业至少 1 人）",
        "请核对从业人员",
        lambda f, c: _mask(_num(f, "employees") < _num(f, "incubatees_eop")),
    ),
    Rule(
        "rep_employees_per_firm_high",
        REP,
        W,
        ("employees",),
        "在孵企业平均从业人员超过 500 人",
        "请核对从业人员（单位：人）",
        lambda f, c: _mask(_num(f, "employees") > 500 * _num(f, "incubatees_eop")),
    ),
    Rule(
        "rep_team_members_below_teams",
        REP,
        W,
        ("team_members", "teams_eop"),
        "创业团队人员数少于创业团队数",
        "请核对团队人数",
        lambda f, c: _mask(_num(f, "team_members") < _num(f, "teams_eop")),
    ),
    Rule(
        "rep_financed_count_high",
        REP,
        W,
        ("financed_count",),
        "获得投融资的企业（团队）数多于在孵企业、团队与迁出企业之和",
        "请核对",
        lambda f, c: _mask(
            _num(f, "financed_count")
            > _num(f, "incubatees_eop") + _num(f, "teams_eop") + _num(f, "exits_period").fillna(0)
        ),
    ),
    Rule(
        "rep_financing_count_amount",
        REP,
        W,
        ("financed_count", "financing_amount"),
        "“获得投融资金额”与“获得投融资的企业数”不一致（一个为 0，另一个不为 0）",
        "请核对两项",
        lambda f, c: _mask((_num(f, "financing_amount") > 0) != (_num(f, "financed_count") > 0)),
    ),
    Rule(
        "rep_professional_ratio_low",
        REP,
        INFO,
        ("staff_professional",),
        "专业孵化服务人员不足管理服务人员的 80%（低于国家级标准）",
        "如属实可不修改",
        lambda f, c: _mask(_num(f, "staff_professional") < 0.8 * _num(f, "staff_total")),
    ),
    Rule(
        "rep_mentors_low",
        REP,
        INFO,
        ("mentors",),
        "创业导师少于每 10 家在孵企业 1 名",
        "如属实可不修改",
        lambda f, c: _mask(_num(f, "mentors") * 10 < _num(f, "incubatees_eop")),
    ),
    Rule(
        "rep_area_jump",
        REP,
        W,
        ("area_m2_eop",),
        "期末载体面积与上一季度相比变化超过 50%",
        "请核对面积及单位（平方米）",
        None,
        needs_context=True,
    ),
    Rule(
        "rep_graduates_cum_decreased",
        REP,
        E,
        ("graduates_cum",),
        "累计毕业企业数小于上一季度",
        "累计数不能减少，请核对",
        None,
        needs_context=True,
    ),
    Rule(
        "rep_graduates_cum_identity",
        REP,
        W,
        ("graduates_cum", "graduates_period"),
        "累计毕业企业数不等于上一季度累计数加本期毕业数",
        "请核对累计数与本期数",
        None,
        needs_context=True,
    ),
    Rule(
        "rep_tech_cum_decreased",
        REP,
        E,
        ("tech_ent_cultivated_cum",),
        "累计孵化培育科技型企业数小于上一季度",
        "累计数不能减少，请核对",
        None,
        needs_context=True,
    ),
    Rule(
        "rep_stock_flow_identity",
        REP,
        W,
        ("incubatees_eop",),
        "期末在孵企业数不等于上季度末数 + 本期新增 − 本期毕业 − 本期迁出/注销",
        "请核对各项数字",
        None,
        needs_context=True,
    ),
    Rule(
        "rep_teams_at_accelerator",
        REP,
        INFO,
        ("teams_eop",),
        "加速器一般不入驻创业团队",
        "如属实可不修改",
        None,
        needs_context=True,
    ),
    Rule(
        "rep_no_events_maker_space",
        REP,
        INFO,
        ("events",),
        "众创空间全年未举办创新创业活动（标准为每年 10 场）",
        "如属实可不修改",
        None,
        needs_context=True,
    ),
    Rule(
        "rep_roster_incubatees_mismatch",
        REP,
        W,
        ("incubatees_eop",),
        "期末在孵企业数与同期在孵企业名单中“在孵”企业的行数不一致",
        "请核对季报与名单",
        None,
        needs_context=True,
    ),
    Rule(
        "rep_roster_teams_mismatch",
        REP,
        W,
        ("teams_eop",),
        "期末在孵创业团队数与同期名单中“在孵”团队的行数不一致",
        "请核对季报与名单",
        None,
        needs_context=True,
    ),
    Rule(
        "rep_roster_cq_tech_mismatch",
        REP,
        W,
        ("cq_tech_ent_eop",),
        "重庆市科技型企业数与同期名单中标为“是”的在孵企业数不一致",
        "请核对季报与名单",
        None,
        needs_context=True,
    ),
    Rule(
        "rep_roster_graduates_mismatch",
        REP,
        W,
        ("graduates_period",),
        "本期毕业企业数与同期名单中本期毕业的企业数不一致",
        "请核对季报与名单",
        None,
        needs_context=True,
    ),
    # --- T3 在孵企业（团队）名单
    Rule(
        "ros_period_out_of_range",
        ROS,
        E,
        ("period",),
        "报告期不能早于 2021Q1，也不能是未来的季度",
        "请核对报告期",
        period_out_of_range,
    ),
    Rule(
        "ros_uscc_required_for_enterprise",
        ROS,
        E,
        ("uscc",),
        "主体类型为“企业”的，统一社会信用代码为必填项",
        "请填写营业执照上的 18 位代码；尚未注册的请将主体类型改为“创业团队”",
        lambda f, c: _mask((f["entity_kind"] == "企业") & f["uscc"].isna()),
    ),
    Rule(
        "ros_uscc_filled_for_team",
        ROS,
        W,
        ("uscc",),
        "创业团队不应填写统一社会信用代码",
        "已注册的请将主体类型改为“企业”",
        lambda f, c: _mask((f["entity_kind"] == "创业团队") & f["uscc"].notna()),
    ),
    Rule(
        "ros_uscc_check_character",
        ROS,
        E,
        ("uscc",),
        "统一社会信用代码校验位错误（GB 32100-2015）",
        "请对照营业执照逐位核对代码",
        uscc_check_character("uscc"),
    ),
    Rule(
        "ros_team_lead_required",
        ROS,
        W,
        ("team_lead",),
        "创业团队应填写“团队负责人”",
        "请填写负责人姓名",
        lambda f, c: _mask((f["entity_kind"] == "创业团队") & f["team_lead"].isna()),
    ),
    Rule(
        "ros_established_required",
        ROS,
        W,
        ("established_date",),
        "企业应填写“成立（注册）日期”",
        "请按营业执照填写",
        lambda f, c: _mask((f["entity_kind"] == "企业") & f["established_date"].isna()),
    ),
    Rule(
        "ros_established_after_period",
        ROS,
        E,
        ("established_date",),
        "成立日期晚于报告期末",
        "请核对成立日期或报告期",
        lambda f, c: _mask(_dates(f, "established_date") > _period_end(f)),
    ),
    Rule(
        "ros_entry_after_period",
        ROS,
        E,
        ("entry_date",),
        "入驻日期晚于报告期末",
        "请核对入驻日期或报告期",
        lambda f, c: _mask(_dates(f, "entry_date") > _period_end(f)),
    ),
    Rule(
        "ros_graduation_date_iff_graduated",
        ROS,
        E,
        ("graduation_date", "status"),
        "“毕业日期”只在状态为“已毕业”时填写，且“已毕业”必须填写毕业日期",
        "请核对状态与毕业日期",
        lambda f, c: _mask((f["status"] == "已毕业") != f["graduation_date"].notna()),
    ),
    Rule(
        "ros_graduation_after_period",
        ROS,
        E,
        ("graduation_date",),
        "毕业日期晚于报告期末",
        "请核对毕业日期",
        lambda f, c: _mask(_dates(f, "graduation_date") > _period_end(f)),
    ),
    Rule(
        "ros_graduation_basis_required",
        ROS,
        W,
        ("graduation_basis",),
        "已毕业企业应填写“毕业依据”",
        "请选择毕业依据",
        lambda f, c: _mask((f["status"] == "已毕业") & f["graduation_basis"].isna()),
    ),
    Rule(
        "ros_exit_date_required",
        ROS,
        W,
        ("exit_date",),
        "已迁出或已注销的，应填写“退出日期”",
        "请填写退出日期",
        lambda f, c: _mask(f["status"].isin(["已迁出", "已注销"]) & f["exit_date"].isna()),
    ),
    Rule(
        "ros_incubation_too_long",
        ROS,
        W,
        ("entry_date",),
        "孵化时长超过 48 个月（生物医药、集成电路、现代农业为 60 个月）",
        "请核对入驻日期或在孵状态",
        lambda f, c: _mask(
            _incubation_months(f)
            > map_unique(
                f["tech_field"],
                lambda t: (
                    60 if isinstance(t, str) and any(x in t for x in LONG_INCUBATION_FIELDS) else 48
                ),
            ).astype(float)
        ),
    ),
    Rule(
        "ros_entry_age",
        ROS,
        W,
        ("entry_date", "established_date"),
        "企业入驻孵化器时成立已超过 24 个月（不符合在孵企业条件）",
        "请核对成立日期与入驻日期",
        None,
        needs_context=True,
    ),
    Rule(
        "ros_not_registered_in_carrier",
        ROS,
        INFO,
        ("registered_in_carrier",),
        "注册地不在载体内",
        "如属实可不修改",
        lambda f, c: _mask(f["registered_in_carrier"].eq(False)),
    ),
    Rule(
        "ros_occupied_area_large",
        ROS,
        INFO,
        ("occupied_area_m2",),
        "单个企业占用场地超过 1000 平方米",
        "如属实可不修改",
        lambda f, c: _mask(_num(f, "occupied_area_m2") > 1000),
    ),
    Rule(
        "ros_flags_only_for_enterprises",
        ROS,
        E,
        ("is_cq_tech_ent", "is_tech_sme", "is_hnte"),
        "科技型企业、科技型中小企业、高新技术企业标识只适用于企业，创业团队应留空",
        "请清空这三列",
        lambda f, c: _mask(
            (f["entity_kind"] == "创业团队")
            & (f["is_cq_tech_ent"].notna() | f["is_tech_sme"].notna() | f["is_hnte"].notna())
        ),
    ),
    Rule(
        "ros_hnte_cert_required",
        ROS,
        W,
        ("hnte_cert_no",),
        "高新技术企业应填写“高企证书编号”",
        "请填写证书编号",
        lambda f, c: _mask(f["is_hnte"].eq(True) & f["hnte_cert_no"].isna()),
    ),
    Rule(
        "ros_hnte_expired",
        ROS,
        W,
        ("hnte_issue_date",),
        "高新技术企业证书已超过 3 年有效期",
        "请核对是否已重新认定",
        lambda f, c: _mask(_dates(f, "hnte_issue_date") + pd.DateOffset(years=3) < _period_end(f)),
    ),
    Rule(
        "ros_enterprise_without_employees",
        ROS,
        W,
        ("employees",),
        "企业从业人员应至少 1 人",
        "请核对从业人员",
        lambda f, c: _mask((f["entity_kind"] == "企业") & (_num(f, "employees") < 1)),
    ),
    Rule(
        "ros_carrier_unknown",
        ROS,
        E,
        ("carrier_id",),
        "载体编码未在孵化载体基本信息表中登记",
        "请先报送该载体的基本信息表，或核对载体编码",
        None,
        needs_context=True,
    ),
    Rule(
        "ros_not_authorised",
        ROS,
        E,
        ("carrier_id",),
        "本单位不负责该载体所在片区，不能报送",
        "请由负责该片区的单位报送",
        None,
        needs_context=True,
    ),
    Rule(
        "ros_shared_with_other_carrier",
        ROS,
        W,
        ("uscc",),
        "该企业同期也在其他载体的名单中“在孵”",
        "请与相关载体核实企业实际所在载体",
        None,
        needs_context=True,
    ),
    Rule(
        "ros_financing_decreased",
        ROS,
        W,
        ("financing_cum",),
        "累计获得投融资小于上一季度",
        "累计数不能减少，请核对",
        None,
        needs_context=True,
    ),
    Rule(
        "ros_occupied_area_exceeds_tenant_area",
        ROS,
        W,
        ("occupied_area_m2",),
        "同一载体同期各企业占用场地面积之和超过基本信息表中的“在孵企业使用面积”",
        "请核对各企业占用面积或载体面积",
        None,
        needs_context=True,
    ),
    # --- T4 孵化载体认定与荣誉名单
    Rule(
        "rec_coordinator_only",
        REC,
        E,
        ("carrier_id",),
        "认定与荣誉名单只能由区科技局报送",
        "请将认定信息报区科技局统一报送",
        None,
        needs_context=True,
    ),
    Rule(
        "rec_level_matches_type",
        REC,
        E,
        ("level", "recognition_type"),
        "“认定级别”与“认定类别”不一致",
        "如“重庆市科技企业孵化器”的级别为“市级”",
        lambda f, c: _row_map(
            f,
            lambda r: (
                r["recognition_type"] in LEVEL_OF_TYPE
                and r["level"] != LEVEL_OF_TYPE[r["recognition_type"]]
            ),
        ).astype(bool),
    ),
    Rule(
        "rec_document_no_pattern",
        REC,
        W,
        ("document_no",),
        "文号格式应为“机关代字〔年份〕序号号”",
        "如：渝科局发〔2023〕5号",
        lambda f, c: _mask(
            map_unique(f["document_no"], lambda d: isinstance(d, str) and not DOCUMENT_NO.match(d))
        ),
    ),
    Rule(
        "rec_date_in_future",
        REC,
        E,
        ("recognized_date",),
        "认定（公布）日期晚于今天",
        "请核对日期",
        lambda f, c: _mask(_dates(f, "recognized_date") > pd.Timestamp(c.today)),
    ),
    Rule(
        "rec_evaluation_year_future",
        REC,
        E,
        ("evaluation_year",),
        "绩效评价年度晚于今年",
        "请核对年度",
        lambda f, c: _mask(_num(f, "evaluation_year") > c.today.year),
    ),
    Rule(
        "rec_award_atypical",
        REC,
        INFO,
        ("award_amount",),
        "奖补金额与通常标准不同（优秀 50 万元、良好 30 万元）",
        "如属实可不修改",
        lambda f, c: _row_map(
            f,
            lambda r: (
                r["evaluation_result"] in TYPICAL_AWARD
                and _present(r["award_amount"])
                and r["award_amount"] != TYPICAL_AWARD[r["evaluation_result"]]
            ),
        ).astype(bool),
    ),
    Rule(
        "rec_cancelled_without_basis",
        REC,
        W,
        ("status",),
        "状态为“已取消”的，应填写文号或备注说明",
        "请填写取消的文号或原因",
        lambda f, c: _mask(
            (f["status"] == "已取消") & f["document_no"].isna() & f["remarks"].isna()
        ),
    ),
    Rule(
        "rec_carrier_unknown",
        REC,
        E,
        ("carrier_id",),
        "载体编码未在孵化载体基本信息表中登记",
        "请核对载体编码",
        None,
        needs_context=True,
    ),
]


def _incubation_months(frame: pd.DataFrame) -> pd.Series:
    end = (
        _dates(frame, "graduation_date")
        .fillna(_dates(frame, "exit_date"))
        .fillna(_period_end(frame))
    )
    return (end - _dates(frame, "entry_date")).dt.days / 30.4375


def rules_for(template: str, with_context: bool | None = None) -> list[Rule]:
    """The template's rules: all, only the context rules, or (``False``) only the others."""
    return [
        r
        for r in RULES
        if r.template == template and (with_context is None or r.needs_context == with_context)
    ]


def run_rules(
    template: str,
    frame: pd.DataFrame,
    headers: dict[tuple[str, str], str],
    ctx: CheckContext,
) -> list[Problem]:
    """The row-level rules' problems of one frame (the context rules: ``checks.context``)."""
    return [p for _row, p in _failing_rows(template, frame, lambda _row: headers, ctx)]


def run_rules_stacked(
    template: str,
    stacked: pd.DataFrame,
    headers: dict[int, dict[tuple[str, str], str]],
    ctx: CheckContext,
    file_column: str,
) -> list[tuple[int, Problem]]:
    """The row-level rules (no context) over the frames of many files stacked, with the
    file's index in ``file_column``: one pandas pass per rule, not one per file."""
    found = _failing_rows(
        template,
        stacked,
        lambda row: headers[row[file_column]],
        ctx,
        keep=(file_column,),
    )
    return [(int(row[file_column]), problem) for row, problem in found]


def _failing_rows(
    template, frame, headers_of, ctx, keep: tuple[str, ...] = ()
) -> list[tuple[dict, Problem]]:
    """(row, problem) for every failing row of every rule; rows keep the ``keep`` columns."""
    problems = []
    try:
        for rule in rules_for(template, with_context=False):
            failing = rule.failing(frame, ctx).reindex(frame.index, fill_value=False)
            mask = failing.to_numpy(dtype=bool)
            if not mask.any():
                continue
            for row in _rows_of(frame, mask, rule, keep):
                sheet = row["source_sheet"]
                values = [row[c] for c in rule.columns if c in row and _present(row[c])]
                message = rule.message_zh + _detail(rule, row, ctx)
                headers = headers_of(row)
                problem = Problem(
                    rule.severity,
                    rule.id,
                    message,
                    rule.fix_zh,
                    sheet=sheet,
                    row=int(row["source_row"]),
                    column="、".join(headers.get((sheet, c), c) for c in rule.columns),
                    value=" / ".join(str(v) for v in values) or None,
                    source="rule",
                )
                problems.append((row, problem))
    finally:
        _RECORDS[:] = [None, None, None]  # keep no frame alive past its rules
    return problems


# what a problem is located and explained by, besides the rule's own columns (see _detail)
_PROBLEM_COLUMNS = ("source_sheet", "source_row", "zone", "carrier_id")


def _rows_of(
    frame: pd.DataFrame, mask: np.ndarray, rule: Rule, keep: tuple[str, ...]
) -> list[dict]:
    """The failing rows as dicts of the columns a problem needs (not all 30-odd of them:
    an INFO rule may flag most rows of a batch)."""
    wanted = (*_PROBLEM_COLUMNS, *rule.columns, *keep)
    names = [c for c in dict.fromkeys(wanted) if c in frame.columns]
    part = frame.loc[mask, names]
    return [
        dict(zip(names, values, strict=True))
        for values in zip(*(part[c].tolist() for c in names), strict=True)
    ]


def _detail(rule: Rule, row, ctx: CheckContext) -> str:
    """Rule-specific detail: the expected check character (the context rules' own, the units
    that may report, comes with their SQL's rows)."""
    if rule.id.endswith("uscc_check_character"):
        code = row[rule.columns[0]]
        return f"，第 18 位应为“{uscc.expected_check_character(code)}”"
    return ""
