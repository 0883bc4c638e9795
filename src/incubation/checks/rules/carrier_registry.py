"""Rules of T1 孵化载体基本信息表 (carrier_registry)."""

from __future__ import annotations

import pandas as pd

from incubation.checks.problems import SEVERITY_ERROR as E
from incubation.checks.problems import SEVERITY_INFO as INFO
from incubation.checks.problems import SEVERITY_WARNING as W
from incubation.checks.rules.columns import date, mask, number
from incubation.checks.rules.model import Rule, registry
from incubation.checks.rules.shared import (
    expected_check_character,
    wrong_check_character,
    wrong_organisation_code,
)

EARLIEST_START = pd.Timestamp(1990, 1, 1)
SMALLEST_AREA_M2 = 100  # less: probably written in 万平方米
TENANT_SHARE = 0.75  # of the incubation area, the recognition standard


def tenant_share_low(frame, ctx):
    return mask(
        number(frame, "tenant_area_m2") < TENANT_SHARE * number(frame, "incubation_area_m2")
    )


RULES = registry(
    "carrier_registry",
    Rule(
        id="reg_specialization_required",
        severity=W,
        columns=("specialization",),
        message_zh="载体类型为“科技企业孵化器”的，应填写“孵化器类别”（综合/专业）",
        fix_zh="请选择“综合”或“专业”",
        check=lambda f, c: mask(
            (f["carrier_type"] == "科技企业孵化器") & f["specialization"].isna()
        ),
    ),
    Rule(
        id="reg_specialization_field_required",
        severity=W,
        columns=("specialization_field",),
        message_zh="孵化器类别为“专业”的，应填写“专业领域”",
        fix_zh="请填写专业领域，如“工业软件”",
        check=lambda f, c: mask((f["specialization"] == "专业") & f["specialization_field"].isna()),
    ),
    Rule(
        id="reg_operator_uscc_check_character",
        severity=E,
        columns=("operator_uscc",),
        message_zh="运营主体统一社会信用代码校验位错误（GB 32100-2015）",
        fix_zh="请对照营业执照逐位核对代码",
        check=wrong_check_character("operator_uscc"),
        detail=expected_check_character("operator_uscc"),
    ),
    Rule(
        id="reg_operator_uscc_org_code",
        severity=W,
        columns=("operator_uscc",),
        message_zh="运营主体统一社会信用代码第 9-17 位（组织机构代码）校验不通过",
        fix_zh="请核对代码第 9-17 位",
        check=wrong_organisation_code("operator_uscc"),
    ),
    Rule(
        id="reg_address_required",
        severity=W,
        columns=("address",),
        message_zh="“详细地址”未填写",
        fix_zh="请填写载体的详细地址",
        check=lambda f, c: mask(f["address"].isna()),
    ),
    Rule(
        id="reg_start_in_future",
        severity=E,
        columns=("operation_start_date",),
        message_zh="“开始运营日期”晚于今天",
        fix_zh="请填写实际开始运营的日期",
        check=lambda f, c: mask(date(f, "operation_start_date") > pd.Timestamp(c.today)),
    ),
    Rule(
        id="reg_start_before_1990",
        severity=W,
        columns=("operation_start_date",),
        message_zh="“开始运营日期”早于 1990 年",
        fix_zh="请核对日期",
        check=lambda f, c: mask(date(f, "operation_start_date") < EARLIEST_START),
    ),
    Rule(
        id="reg_area_too_small",
        severity=W,
        columns=("total_area_m2",),
        message_zh="“载体总面积”小于 100 平方米，可能按万平方米填写",
        fix_zh="面积单位为平方米，请核对",
        check=lambda f, c: mask(number(f, "total_area_m2") < SMALLEST_AREA_M2),
    ),
    Rule(
        id="reg_tenant_ratio_low",
        severity=INFO,
        columns=("tenant_area_m2", "incubation_area_m2"),
        message_zh="在孵企业使用面积不足孵化场地面积的 75%（低于认定标准）",
        fix_zh="如属实可不修改",
        check=tenant_share_low,
    ),
    Rule(
        id="reg_workstations_required",
        severity=W,
        columns=("workstations",),
        message_zh="众创空间应填写“创业工位数”",
        fix_zh="请填写工位数",
        check=lambda f, c: mask((f["carrier_type"] == "众创空间") & f["workstations"].isna()),
    ),
    Rule(
        id="reg_lease_end_required",
        severity=W,
        columns=("lease_end_date",),
        message_zh="场地产权为“租赁”的，应填写“租赁到期日”",
        fix_zh="请填写租赁合同到期日",
        check=lambda f, c: mask((f["property_type"] == "租赁") & f["lease_end_date"].isna()),
    ),
    Rule(
        id="reg_lease_expired",
        severity=W,
        columns=("lease_end_date",),
        message_zh="租赁已到期",
        fix_zh="请核对租赁到期日或续租情况",
        check=lambda f, c: mask(date(f, "lease_end_date") < pd.Timestamp(c.today)),
    ),
    Rule(
        id="reg_not_authorised",
        severity=E,
        columns=("zone",),
        message_zh="本单位不负责该片区的载体，不能报送",
        fix_zh="请由负责该片区的单位报送，或联系区科技局",
        query="registry_not_authorised",
        lists_reporting_units=True,
        seeds_only=True,
    ),
    Rule(
        id="reg_current_level_disagrees",
        severity=W,
        columns=("current_level",),
        message_zh="“认定级别（当前最高）”与认定名单中有效的最高级别不一致",
        fix_zh="请按区科技局报送的认定名单填写，或留空",
        query="current_level",
    ),
)
