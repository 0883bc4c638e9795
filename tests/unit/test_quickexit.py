"""A process that ran a stage freezes its heap as it exits (no last garbage collection over
it), and only then: a process that ran none exits as Python does."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from incubation.settings import PROJECT_ROOT

PROGRAM = textwrap.dedent(
    """
    import atexit, gc, sys
    sys.path.insert(0, {plugins!r})
    from incubation.pipeline.metering import metered
    from incubation.settings import Settings

    # registered before the stage: runs after the callbacks the stage registered
    atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))

    @metered("check")
    def stage(settings):
        return 1

    if {run_stage}:
        stage(Settings.from_env({home!r}))
        stage(Settings.from_env({home!r}))
    """
)


def exits(tmp_path, run_stage: bool) -> str:
    program = PROGRAM.format(
        plugins=str(PROJECT_ROOT / "src"), home=str(tmp_path / "home"), run_stage=run_stage
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_process_that_ran_a_stage_freezes_its_heap_at_exit(tmp_path):
    assert exits(tmp_path, run_stage=True) == "frozen at exit: True"


def test_a_process_that_ran_no_stage_exits_as_python_does(tmp_path):
    assert exits(tmp_path, run_stage=False) == "frozen at exit: False"
