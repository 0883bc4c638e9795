"""Rules of T4 孵化载体认定与荣誉名单 (carrier_recognition)."""

from __future__ import annotations

import re

import pandas as pd

from incubation.checks.problems import SEVERITY_ERROR as E
from incubation.checks.problems import SEVERITY_INFO as INFO
from incubation.checks.problems import SEVERITY_WARNING as W
from incubation.checks.rules.columns import date, map_unique, mask, number
from incubation.checks.rules.model import Rule, registry
from incubation.checks.rules.shared import carrier_unknown_rule

TYPICAL_AWARD = {"优秀": 50.0, "良好": 30.0}  # 万元, by evaluation result
DOCUMENT_NO = re.compile(r"^.+[〔\[【(]\d{4}[〕\]】)]\d+号$")


def level_disagrees_with_type(frame, ctx):
    """The stated level is not the one the recognition type implies (seed recognition_types)."""
    implied = frame["recognition_type"].map(ctx.level_of_type)
    level = frame["level"]
    return mask(implied.notna() & (level.isna() | (level != implied)))


def document_no_malformed(frame, ctx):
    return mask(
        map_unique(frame["document_no"], lambda d: isinstance(d, str) and not DOCUMENT_NO.match(d))
    )


def award_atypical(frame, ctx):
    typical = pd.to_numeric(frame["evaluation_result"].map(TYPICAL_AWARD), errors="coerce")
    amount = number(frame, "award_amount")
    return mask(typical.notna() & amount.notna() & (amount != typical))


def cancelled_without_basis(frame, ctx):
    return mask(
        (frame["status"] == "已取消") & frame["document_no"].isna() & frame["remarks"].isna()
    )


RULES = registry(
    "carrier_recognition",
    Rule(
        id="rec_coordinator_only",
        severity=E,
        columns=("carrier_id",),
        message_zh="认定与荣誉名单只能由区科技局报送",
        fix_zh="请将认定信息报区科技局统一报送",
        query="recognition_coordinator",
        seeds_only=True,
    ),
    Rule(
        id="rec_level_matches_type",
        severity=E,
        columns=("level", "recognition_type"),
        message_zh="“认定级别”与“认定类别”不一致",
        fix_zh="如“重庆市科技企业孵化器”的级别为“市级”",
        check=level_disagrees_with_type,
    ),
    Rule(
        id="rec_document_no_pattern",
        severity=W,
        columns=("document_no",),
        message_zh="文号格式应为“机关代字〔年份〕序号号”",
        fix_zh="如：渝科局发〔2023〕5号",
        check=document_no_malformed,
    ),
    Rule(
        id="rec_date_in_future",
        severity=E,
        columns=("recognized_date",),
        message_zh="认定（公布）日期晚于今天",
        fix_zh="请核对日期",
        check=lambda f, c: mask(date(f, "recognized_date") > pd.Timestamp(c.today)),
    ),
    Rule(
        id="rec_evaluation_year_future",
        severity=E,
        columns=("evaluation_year",),
        message_zh="绩效评价年度晚于今年",
        fix_zh="请核对年度",
        check=lambda f, c: mask(number(f, "evaluation_year") > c.today.year),
    ),
    Rule(
        id="rec_award_atypical",
        severity=INFO,
        columns=("award_amount",),
        message_zh="奖补金额与通常标准不同（优秀 50 万元、良好 30 万元）",
        fix_zh="如属实可不修改",
        check=award_atypical,
    ),
    Rule(
        id="rec_cancelled_without_basis",
        severity=W,
        columns=("status",),
        message_zh="状态为“已取消”的，应填写文号或备注说明",
        fix_zh="请填写取消的文号或原因",
        check=cancelled_without_basis,
    ),
    carrier_unknown_rule("rec_carrier_unknown", fix_zh="请核对载体编码"),
)
