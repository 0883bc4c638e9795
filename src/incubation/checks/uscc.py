"""The unified social credit code (统一社会信用代码, GB 32100-2015), via python-stdnum."""

from __future__ import annotations

import re

import numpy as np
from stdnum.cn import uscc as _uscc

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
_CHARSET = re.compile(rf"^[{_ALPHABET}]{{2}}\d{{6}}[{_ALPHABET}]{{10}}$")


def has_valid_shape(code: str) -> bool:
    """18 characters from the standard's set, region code digits."""
    return bool(_CHARSET.match(code))


def is_valid(code: str) -> bool:
    """Shape and check character both right."""
    return has_valid_shape(code) and _uscc.is_valid(code)


def expected_check_character(code: str) -> str:
    return _uscc.calc_check_digit(code[:17])


_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)])  # 1, 3, 9, 27, 19, 26 …
_VALUE = np.full(256, 0)
_VALUE[np.frombuffer(_ALPHABET.encode("ascii"), np.uint8)] = np.arange(len(_ALPHABET))


def wrong_check_character(codes: list[object]) -> np.ndarray:
    """Per code: ``has_valid_shape(code) and not is_valid(code)``, computed on all at once
    (GB 32100: the weighted sum of the first 17 characters decides the 18th)."""
    shaped = np.fromiter(
        (isinstance(c, str) and has_valid_shape(c) for c in codes), bool, len(codes)
    )
    out = np.zeros(len(codes), dtype=bool)
    if not shaped.any():
        return out
    chosen = [c for c, ok in zip(codes, shaped, strict=True) if ok]
    chars = np.frombuffer("".join(chosen).encode("ascii"), np.uint8).reshape(-1, 18)
    values = _VALUE[chars]
    expected = (31 - (values[:, :17] * _WEIGHTS).sum(axis=1) % 31) % 31
    digits = (chars[:, :2] >= ord("0")) & (chars[:, :2] <= ord("9"))  # python-stdnum: 8 digits
    out[shaped] = (values[:, 17] != expected) | ~digits.all(axis=1)
    return out
