"""Worker processes forked from a process that already holds what they need.

Fork, not spawn: a worker starts with the parent's imports and data (GX and the suites, the
night's context) instead of paying seconds to import them again, and under Airflow a spawned
interpreter would re-import the CLI as ``__main__``. The parent's heap is frozen
(``gc.freeze``) while the workers live, so that a worker's garbage collector does not walk the
parent's objects (under ``airflow dags test``: millions, from every stage before) and so copy
their pages.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


@contextmanager
def fork_pool(
    workers: int, initializer: Callable | None = None, initargs: tuple = ()
) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` forked processes, the heap frozen until it is shut down."""
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=initializer,
            initargs=initargs,
        ) as pool:
            yield pool
    finally:
        gc.unfreeze()
