"""The unified social credit code (统一社会信用代码, GB 32100-2015), via python-stdnum."""

from __future__ import annotations

import re
from functools import lru_cache

from stdnum.cn import uscc as _uscc

_CHARSET = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def has_valid_shape(code: str) -> bool:
    """18 characters from the standard's set, region code digits."""
    return bool(_CHARSET.match(code))


@lru_cache(maxsize=2**18)  # the same enterprises come back every quarter
def is_valid(code: str) -> bool:
    """Shape and check character both right."""
    return has_valid_shape(code) and _uscc.is_valid(code)


def expected_check_character(code: str) -> str:
    return _uscc.calc_check_digit(code[:17])
