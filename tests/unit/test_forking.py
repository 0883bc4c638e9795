"""The check's workers: a worker that dies, passes its time or its memory is stopped, its
current item lost alone, the rest of its items run again; what the work raises is raised
here."""

import os
import time

import pytest

from incubation.checks.workers import run_forked


class Boom(Exception):
    pass


def work(claims):
    done = []
    for i in claims:
        if i == 3:
            os.abort()  # as a reader that cannot allocate does
        if i == 5:
            time.sleep(60)
        if i == 7:
            ballast = bytearray(400 * 2**20)
            ballast[::4096] = b"x" * len(ballast[::4096])  # resident, not only reserved
            time.sleep(5)
        done.append(i)
    return done


def test_each_lost_item_alone_and_every_other_item_once():
    results, lost = run_forked(work, list(range(12)), 2, seconds=2, memory_mb=300)
    assert sorted(i for r in results for i in r) == [0, 1, 2, 4, 6, 8, 9, 10, 11]
    assert sorted((item.index, item.reason) for item in lost) == [
        (3, "died"),
        (5, "timeout"),
        (7, "memory"),
    ]
    assert "exit code -6" in next(item.detail for item in lost if item.index == 3)


def raises(claims):
    for i in claims:
        if i == 2:
            raise Boom("the stage itself failed")
    return []


def test_what_the_work_raises_is_raised_here():
    with pytest.raises(Boom, match="the stage itself failed") as caught:
        run_forked(raises, list(range(5)), 2)
    assert any("in a forked worker" in note for note in caught.value.__notes__)


def test_meanwhile_runs_while_the_workers_do(tmp_path):
    marker = tmp_path / "meanwhile"
    results, lost = run_forked(
        lambda claims: list(claims), [0, 1, 2], 1, meanwhile=lambda: marker.touch()
    )
    assert results == [[0, 1, 2]] and lost == [] and marker.exists()


def _daemonic_parent(send) -> None:
    """A daemonic process (as a Celery pool worker runs a task in) starting workers."""
    try:
        results, _lost = run_forked(lambda claims: list(claims), [0, 1, 2], 2)
        send.send(sorted(i for r in results for i in r))
    except BaseException as exc:
        send.send(repr(exc))


def test_a_daemonic_process_may_start_workers():
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    parent = ctx.Process(target=_daemonic_parent, args=(send,), daemon=True)
    parent.start()
    assert receive.recv() == [0, 1, 2]
    parent.join()
