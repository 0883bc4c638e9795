"""A process that ran a stage leaves without a last walk over its heap.

At exit CPython collects garbage once more, over every object still alive. Under
``airflow dags test`` (``make demo``, the bench's in-process nights) the process holds
Airflow's in-process execution API (cadwyn's routes and pydantic models for every API
version) besides what the stages loaded: that walk took 3.2 s after a no-op night of 16 s
(``bench/RESULTS.md``, session 8). ``arm`` freezes the heap (``gc.freeze``) as the process
exits, so the walk is skipped and the memory goes back to the system with the process.

What it gives up: objects left in reference cycles at exit get no finalizer. The stages
close their files and databases before they return, and ``atexit`` callbacks (logging's
flush, temporary folders) still run. A task process under the scheduler leaves by
``os._exit`` after its ``atexit`` callbacks and never paid the walk.
"""

from __future__ import annotations

import atexit
import gc

_armed: list[bool] = []


def arm() -> None:
    """Freeze the heap when this process exits (once, however often it is called)."""
    if not _armed:
        atexit.register(gc.freeze)
        _armed.append(True)
