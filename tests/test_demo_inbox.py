"""The committed demo inbox is exactly what its generator writes (no hand-made binaries)."""

import filecmp
from pathlib import Path

from incubation.demo import build_world, generate_demo_inbox, refused_files

DEMO = Path(__file__).resolve().parents[1] / "include" / "demo" / "inbox"


def test_demo_inbox_in_sync_with_generator(tmp_path, project_settings):
    generate_demo_inbox(tmp_path / "inbox", project_settings)
    fresh = sorted(
        p.relative_to(tmp_path / "inbox") for p in (tmp_path / "inbox").rglob("*") if p.is_file()
    )
    committed = sorted(p.relative_to(DEMO) for p in DEMO.rglob("*") if p.is_file())
    assert fresh == committed, "run `make demo-inbox` and commit the result"
    for rel in fresh:
        assert filecmp.cmp(tmp_path / "inbox" / rel, DEMO / rel, shallow=False), rel


def test_demo_covers_four_units_four_templates_four_quarters_and_a_refusal(contracts):
    units = {p.name for p in DEMO.iterdir() if p.is_dir()}
    assert len(units) >= 4
    world = build_world()
    assert len(world.quarters) >= 4
    assert len(refused_files(world)) == 1
    assert (DEMO / refused_files(world)[0]).exists()
    suffixes = {p.suffix for p in DEMO.rglob("*") if p.is_file()}
    assert suffixes == {".xlsx", ".csv"}
