"""Stages run with fewer garbage collections; the thresholds come back afterwards."""

import gc
import os

from incubation.pipeline.gcpolicy import THRESHOLDS, fewer_collections
from incubation.pipeline.metering import metered
from incubation.settings import Settings


def test_thresholds_inside_and_restored_after():
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == THRESHOLDS
    assert gc.get_threshold() == before


def test_a_metered_stage_and_what_it_forks_collect_less(tmp_path):
    @metered("probe")
    def stage(settings):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # a worker forked by the stage, as the check's are
            os.write(write, repr(gc.get_threshold()).encode())
            os._exit(0)
        os.waitpid(pid, 0)
        return gc.get_threshold(), os.read(read, 100).decode()

    before = gc.get_threshold()
    inside, in_child = stage(Settings.from_env(tmp_path))
    assert inside == THRESHOLDS and in_child == repr(THRESHOLDS)
    assert gc.get_threshold() == before
