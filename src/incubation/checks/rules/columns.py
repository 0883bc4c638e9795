"""A frame's columns as the row rules compare them: numbers, dates, the quarter's end, and
boolean masks, each one vectorised pandas operation over the whole column."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from incubation.parsing.normalise import quarter_end


def number(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column as nullable floats (anything that is not a number: NA)."""
    return pd.to_numeric(frame[column], errors="coerce").astype("Float64")


def date(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column as timestamps (anything that is not a date: NaT)."""
    return pd.to_datetime(frame[column], errors="coerce")


def period_end(frame: pd.DataFrame) -> pd.Series:
    """The last day of each row's reporting period (NaT where it has none)."""
    return pd.to_datetime(
        map_unique(frame["period"], lambda p: quarter_end(p) if isinstance(p, str) else None),
        errors="coerce",
    )


def map_unique(series: pd.Series, fn: Callable) -> pd.Series:
    """``series.map(fn)`` calling ``fn`` once per distinct value (and once for missing ones)."""
    codes, uniques = pd.factorize(series)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:] = [*(fn(u) for u in uniques), fn(None)]
    return pd.Series(results[codes], index=series.index, dtype=object)


def mask(values) -> pd.Series:
    """A comparison's result as plain booleans: a comparison with a missing value fails no one."""
    return pd.Series(values).fillna(False).astype(bool)
