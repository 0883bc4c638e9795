"""Worker processes forked from a process that already holds what they need.

Fork, not spawn: a worker starts with the parent's imports and data (GX and the suites, the
night's context) instead of paying seconds to import them again, and under Airflow a spawned
interpreter would re-import the CLI as ``__main__``. The parent's heap is frozen
(``gc.freeze``) while the workers live, so that a worker's garbage collector does not walk the
parent's objects (under ``airflow dags test``: millions, from every stage before) and so copy
their pages.

``run_forked`` is what the check runs each file in: workers watched by the calling process,
so that a file that kills its worker, or passes its time or memory budget, is lost alone and
the night goes on.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import wait


def may_have_children() -> None:
    """Let this process start workers where it runs as a daemonic process: a Celery worker
    (its prefork pool) runs each task in one, and Python refuses children to a daemonic
    process ("daemonic processes are not allowed to have children"). Our workers are ours to
    stop: every one is joined or killed before the stage returns, so nothing is orphaned."""
    me = multiprocessing.current_process()
    if me.daemon:
        me.daemon = False


@contextmanager
def fork_pool(
    workers: int, initializer: Callable | None = None, initargs: tuple = ()
) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` forked processes, the heap frozen until it is shut down."""
    may_have_children()
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


@dataclass(frozen=True)
class Lost:
    """An item whose worker did not come back with it: the worker died on it (``died``) or
    was stopped past its time (``timeout``) or memory (``memory``) budget; ``detail`` for
    the engineers."""

    index: int
    reason: str  # died, timeout or memory
    detail: str


class Board:
    """What forked workers share: the next item to claim (in ``order``), the item each worker
    is on and since when, and which worker claimed each item."""

    def __init__(self, order: list[int], processes: int):
        ctx = multiprocessing.get_context("fork")
        self.order = order
        self.taken = ctx.Value("l", 0)
        self.current = ctx.Array("l", [-1] * processes)
        self.since = ctx.Array("d", [0.0] * processes)
        self.owner = ctx.Array("l", [-1] * len(order))

    def claims(self, worker: int) -> Iterator[int]:
        """The items ``worker`` claims, one at a time, as it asks for the next."""
        while True:
            with self.taken.get_lock():
                k = self.taken.value
                self.taken.value = k + 1
            if k >= len(self.order):
                self.current[worker] = -1
                return
            self.owner[k] = worker
            self.since[worker] = time.monotonic()
            self.current[worker] = self.order[k]
            yield self.order[k]

    def owned_by(self, worker: int) -> list[int]:
        return [self.order[k] for k in range(len(self.order)) if self.owner[k] == worker]


def run_forked(
    work: Callable[[Iterator[int]], object],
    order: list[int],
    processes: int,
    *,
    seconds: float | None = None,
    memory_mb: int | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[list, list[Lost]]:
    """``work(claims)`` in ``processes`` forked workers that claim the items of ``order`` one
    at a time; the results of the workers that came back, and the items that were lost.

    A worker that dies, passes ``seconds`` on one item or ``memory_mb`` of resident memory is
    stopped and its current item is lost; the other items it had claimed are run again by a
    new worker, and the other workers go on. What ``work`` raises is no item's fault (each
    item's own failures are ``work``'s to answer): the workers are stopped and it is raised
    here, the worker's traceback in its notes. ``meanwhile`` runs here while they work."""
    results: list = []
    lost: list[Lost] = []
    while order:
        board = Board(order, min(processes, len(order)))
        redo = _supervise(
            work, board, len(board.current), seconds, memory_mb, meanwhile, results, lost
        )
        meanwhile = None
        order = redo
    return results, lost


def _supervise(work, board, processes, seconds, memory_mb, meanwhile, results, lost) -> list[int]:
    """One round of workers, watched until each came back or was stopped; the items to run
    again (claimed by a stopped worker, but not the one it was on, or claimed by none)."""
    ctx = multiprocessing.get_context("fork")
    may_have_children()
    workers: dict[int, tuple] = {}
    gc.freeze()
    try:
        for k in range(processes):
            receive, send = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_work, args=(work, board, k, send), daemon=True)
            process.start()
            send.close()
            workers[k] = (process, receive)
    finally:
        gc.unfreeze()
    if meanwhile is not None:
        meanwhile()
    redo: list[int] = []
    while workers:
        waitables = {receive: k for k, (_, receive) in workers.items()}
        waitables |= {process.sentinel: k for k, (process, _) in workers.items()}
        for ready in wait(list(waitables), timeout=0.5):
            k = waitables[ready]
            if k not in workers:
                continue
            process, receive = workers[k]
            try:
                outcome = receive.recv()
            except (EOFError, OSError):
                process.join()
                outcome = ("died", f"exit code {process.exitcode}")
            del workers[k]
            process.join()
            if outcome[0] == "done":
                results.append(outcome[1])
                continue
            if outcome[0] == "raised":
                _stop(workers)
                raise outcome[1]
            current = board.current[k]
            if current < 0:  # failed between items: nothing to blame, nothing to run again
                lost += [Lost(i, *outcome) for i in board.owned_by(k)]
                continue
            lost.append(Lost(current, *outcome))
            redo += [i for i in board.owned_by(k) if i != current]
        for k, (process, _receive) in list(workers.items()):
            reason = _over_budget(board, k, process.pid, seconds, memory_mb)
            if reason is None:
                continue
            process.kill()
            process.join()
            del workers[k]
            current = board.current[k]
            lost.append(Lost(current, *reason))
            redo += [i for i in board.owned_by(k) if i != current]
    redo += board.owned_by(-1)  # not claimed before every worker was stopped
    return sorted(set(redo), key=board.order.index)


def _over_budget(board, k, pid, seconds, memory_mb) -> tuple[str, str] | None:
    current = board.current[k]
    if current < 0:
        return None
    spent = time.monotonic() - board.since[k]
    if seconds and spent > seconds:
        return "timeout", f"{spent:.0f} s on one item (budget {seconds:.0f} s)"
    own = _own_mb(pid)
    if memory_mb and own > memory_mb:
        return "memory", f"{own:.0f} MB of its own (budget {memory_mb} MB)"
    return None


def _own_mb(pid: int) -> float:
    """The memory a worker holds of its own: its private pages (what it shares, unwritten,
    with the process it was forked from is the parent's, not the worker's)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            kb = sum(
                int(line.split()[1])
                for line in fh
                if line.startswith(("Private_Clean:", "Private_Dirty:", "Swap:"))
            )
        return kb / 1024
    except (OSError, IndexError, ValueError):
        return 0.0


def _stop(workers: dict[int, tuple]) -> None:
    for process, _receive in workers.values():
        process.kill()
        process.join()
    workers.clear()


def _work(work, board: Board, k: int, send) -> None:
    """A worker: its claims through ``work``, the result (or what it raised) sent back."""
    try:
        outcome = ("done", work(board.claims(k)))
    except BaseException as exc:  # raised again in the parent
        exc.add_note(f"in a forked worker:\n{traceback.format_exc()}")
        try:
            pickle.dumps(exc)
        except Exception:
            exc = RuntimeError(traceback.format_exc())
        outcome = ("raised", exc)
    send.send(outcome)
    send.close()
