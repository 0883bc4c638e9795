"""Calls kept clear of CPython 3.11's frame-stack chunk churn.

CPython keeps the frames of Python calls in chunks of 16 KiB. A call whose frame does not fit
in the current chunk maps a new chunk (``mmap``) and its return unmaps it (``munmap``); 3.11
keeps no spare. A loop whose calls sit exactly on a chunk's edge so pays two system calls and
fresh zero-filled pages on every call (python/cpython#142183, fixed by caching a chunk in 2026
patch releases of 3.13 and 3.14, not in 3.11). Where the edges fall depends on how deep the
caller already is: the nightly check ran clean through ``dag.test``, and under the scheduler, a
few frames deeper, each of its S=10 workers mapped and unmapped 834k chunks (1.7 M page faults,
17-19 s of kernel time; ``bench/RESULTS.md``, session 7).

``roomy`` runs a function in a frame so large that it gets a chunk of its own with room to spare
(32k slots: about a thousand frames) for everything the function calls, and for processes forked
under it, which inherit the chunk: whatever the caller's depth, the calls below reach no edge.
The frame is large only because of local variables that are never set; entering it zero-fills
its 256 KiB once (a quarter of a millisecond).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

ROOM = 1 << 15  # the big frame's local variables: 256 KiB, in a chunk of 512 KiB


@functools.cache
def _roomy() -> Callable:
    names = " = ".join(f"_{i}" for i in range(ROOM))
    source = (
        "def roomy(fn, /, *args, **kwargs):\n"
        "    if fn is None:  # never: the names are here only to make the frame large\n"
        f"        {names} = None\n"
        "    return fn(*args, **kwargs)\n"
    )
    namespace: dict = {}
    exec(compile(source, __name__, "exec"), namespace)
    return namespace["roomy"]


def roomy(fn: Callable, /, *args, **kwargs):
    """``fn(*args, **kwargs)``, with every call below it inside one large frame-stack chunk."""
    return _roomy()(fn, *args, **kwargs)
