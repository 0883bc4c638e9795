"""A column of raw cells into one typed array, reading each distinct value once.

Most of a column repeats (periods, enumerations, dates, small counts), so the distinct raw
values are found first (``pandas.factorize``, in C), each is read once by the per-cell rules
of ``parsing._read_cell``, and the results are spread back by position. The columns that do not
repeat (names, credit codes, amounts) take a vectorised path where the cell is a plain number:
an int or float from a workbook, or a string of ASCII digits from a CSV. Every other value goes
through the per-cell rules, so the result is the same cell for cell.

Python's ``1 == 1.0 == True`` would merge distinct cells, so a column holding more than one of
bool, int and float is keyed by ``(type, value)`` instead.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from incubation.parsing.normalise import _LONGEST_NULL, NULL_MARKERS

_NOT_PLAIN_START = frozenset(("", " ", "#", "＃"))

_NUMBERS = (bool, int, float)
_PLAIN_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}$")
MAX_INT = 2**53  # counts beyond this are typing errors (and past exact floats)


@dataclass(frozen=True)
class Column:
    """A column read: its typed array, and per position the problems found
    (as ``read_cell`` gives them) for the cells that have any."""

    values: pd.api.extensions.ExtensionArray | np.ndarray
    found: dict[int, list[tuple]]


def read_column(
    raw: list[object],
    kind: str,
    factor: float,
    read_cell: Callable[[object], tuple[object, list[tuple]]],
) -> Column:
    """``raw`` cells of a column of contract type ``kind`` (``factor``: header unit to the
    contract's) read by ``read_cell``; the result keeps positions."""
    if len(set(map(type, raw)).intersection(_NUMBERS)) > 1:
        codes, uniques = _factorize_typed(raw)
    else:
        cells = np.empty(len(raw), dtype=object)
        cells[:] = raw
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
    values_u = np.empty(len(uniques) + 1, dtype=object)  # the last one: the empty cell
    found_u: dict[int, list[tuple]] = {}
    todo = np.ones(len(uniques), dtype=bool)
    if kind in ("int", "decimal") and len(uniques):
        _plain_numbers(uniques, kind, factor, values_u, todo)
    elif kind in ("text", "enum", "code"):
        _plain_texts(uniques, kind == "code", values_u, todo)
    elif kind == "date":
        _plain_dates(uniques, values_u, todo)
    for k in np.flatnonzero(todo):
        value, found = read_cell(uniques[k])
        values_u[k] = value
        if found:
            found_u[k] = found
    values_u[-1], found_none = read_cell(None)
    codes = np.where(codes < 0, len(uniques), codes)
    found: dict[int, list[tuple]] = {}
    if found_u or found_none:
        if found_none:
            found_u[len(uniques)] = found_none
        bad = np.isin(codes, np.fromiter(found_u, dtype=np.int64))
        for pos in np.flatnonzero(bad):
            found[int(pos)] = found_u[int(codes[pos])]
    return Column(typed_array(values_u[codes], kind), found)


def _factorize_typed(raw: list[object]) -> tuple[np.ndarray, np.ndarray]:
    index: dict[tuple, int] = {}
    uniques: list[object] = []
    codes = np.empty(len(raw), dtype=np.int64)
    for pos, value in enumerate(raw):
        if value is None:
            codes[pos] = -1
            continue
        key = (type(value), value)
        code = index.get(key)
        if code is None:
            code = index[key] = len(uniques)
            uniques.append(value)
        codes[pos] = code
    out = np.empty(len(uniques), dtype=object)
    out[:] = uniques
    return codes, out


def _plain_numbers(
    uniques: np.ndarray, kind: str, factor: float, values_u: np.ndarray, todo: np.ndarray
) -> None:
    """Numbers that need no rule: finite ints and floats (not bools), and ASCII digit strings;
    ``float(cell) * factor`` exactly as the per-cell rule computes it."""
    types = list(map(type, uniques))
    numeric = np.fromiter((t is float or t is int for t in types), bool, len(types))
    text = np.fromiter((t is str for t in types), bool, len(types))
    if text.any():
        plain = pd.Series(uniques[text], dtype=object).str.fullmatch(_PLAIN_NUMBER).to_numpy(bool)
        where = np.flatnonzero(text)[plain]
        numeric[where] = True
    picked = np.flatnonzero(numeric)
    if not len(picked):
        return
    numbers = uniques[picked].astype(np.float64) * factor
    ok = np.isfinite(numbers)
    numbers[~ok] = 0.0  # left to the per-cell rule, which refuses them
    if kind == "int":
        ok &= (np.abs(numbers - np.round(numbers)) <= 1e-6) & (np.abs(numbers) < MAX_INT)
        converted = [int(v) for v in np.round(numbers[ok])]
    else:
        converted = numbers[ok].tolist()
    chosen = picked[ok]
    holder = np.empty(len(chosen), dtype=object)
    holder[:] = converted
    values_u[chosen] = holder
    todo[chosen] = False


def _plain_texts(uniques: np.ndarray, code: bool, values_u: np.ndarray, todo: np.ndarray) -> None:
    """Strings that need no rule: already NFKC, not an error value, a null marker or
    (for codes) a number; white space collapsed as ``clean_text`` does it.

    Most cells are printable text (no white space but single inner spaces, which
    ``isprintable`` allows), already NFKC, not starting with a space or ``#`` and not ending
    with a space: their cleaned text is the text itself, found without splitting it."""
    for k, text in enumerate(uniques):
        if type(text) is not str:
            continue
        if (
            text.isprintable()
            and text[:1] not in _NOT_PLAIN_START
            and text[-1] != " "
            and "  " not in text
            and (text.isascii() or unicodedata.is_normalized("NFKC", text))
        ):
            cleaned = text
        else:
            if text.lstrip()[:1] in ("#", "＃", ""):
                continue
            if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
                continue
            cleaned = " ".join(text.split())
        if len(cleaned) <= _LONGEST_NULL and cleaned.lower() in NULL_MARKERS:
            continue
        values_u[k] = cleaned.replace(" ", "").lstrip("'").upper() if code else cleaned
        todo[k] = False


def _plain_dates(uniques: np.ndarray, values_u: np.ndarray, todo: np.ndarray) -> None:
    """Workbook dates and times, and ISO ``YYYY-MM-DD`` strings of real days."""
    for k, day in enumerate(uniques):
        kind = type(day)
        if kind is dt.datetime:
            values_u[k] = day.date()
        elif kind is dt.date:
            values_u[k] = day
        elif kind is str and len(day) == 10 and _ISO_DAY.match(day):
            try:
                values_u[k] = dt.date.fromisoformat(day)
            except ValueError:
                continue
        else:
            continue
        todo[k] = False


def typed_array(values: np.ndarray, kind: str):
    """An object array of parsed values (None where not reported) as the frame's dtype."""
    missing = pd.isna(values)
    if kind == "int":
        return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)
    if kind == "decimal":
        return pd.arrays.FloatingArray(np.where(missing, 0.0, values).astype(np.float64), missing)
    if kind == "bool":
        return pd.arrays.BooleanArray(np.where(missing, False, values).astype(bool), missing)
    return values
