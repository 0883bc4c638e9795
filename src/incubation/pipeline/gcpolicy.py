"""Fewer garbage collections while a stage runs.

A stage allocates millions of container objects that live on (a night's parsed cells, dbt's
manifest), so CPython's default thresholds (a collection every 700 net allocations, a full
one every 100 of those) kept re-scanning what is still alive: ~0.5 s of each check worker's
13 s and 0.5–0.65 s of a 10 s dbt build at S=10 (bench/RESULTS.md, session 10). With a young
generation of 50,000 objects a stage collects tens of times instead of thousands; cyclic
garbage is still collected, later. The thresholds are restored when the stage ends, and
processes forked inside it (the check's workers) inherit them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

THRESHOLDS = (50_000, 20, 100)


@contextmanager
def fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
