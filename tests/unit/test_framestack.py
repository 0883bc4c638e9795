"""roomy: calls below it never sit on a frame-stack chunk's edge, whatever the caller's depth."""

import resource
import sys

import pytest

from incubation.pipeline.framestack import roomy
from incubation.pipeline.metering import metered

LOOPS = 2000


def _function_with_locals(n: int):
    namespace: dict = {}
    exec("def fat():\n    " + " = ".join(f"a{i}" for i in range(n)) + " = None\n", namespace)
    return namespace["fat"]


# a frame larger than the recursion's own, so that one of every chunk's depths leaves too
# little room for it
_fat = _function_with_locals(64)


def _faults_of_a_loop_at(depth: int) -> int:
    if depth:
        return _faults_of_a_loop_at(depth - 1)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(LOOPS):
        _fat()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def _churning_depths() -> list[int]:
    """The depths below the caller at which a loop of calls maps a chunk on every call."""
    return [d for d in range(400) if _faults_of_a_loop_at(d) >= LOOPS // 2]


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="3.13+ patch releases cache a spare chunk")
def test_without_roomy_a_loop_at_a_chunk_edge_maps_a_chunk_per_call():
    # the hazard itself, so that the next test could fail: 400 frames cross several chunks
    assert _churning_depths()


def test_under_roomy_no_depth_churns():
    assert roomy(_churning_depths) == []


def test_a_metered_stage_runs_under_roomy(settings):
    @metered("check")
    def stage(settings):
        return _churning_depths()

    assert stage(settings) == []


def test_roomy_passes_arguments_results_and_exceptions():
    assert roomy(divmod, 7, 2) == (3, 1)
    assert roomy(sorted, [3, 1, 2], reverse=True) == [3, 2, 1]
    with pytest.raises(ZeroDivisionError):
        roomy(divmod, 1, 0)
