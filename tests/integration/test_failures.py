"""Nothing half-done after a failure: a unit whose outbox cannot be written holds up no other
unit, and its files, decided and loaded, are answered and filed by the next run; resending
earlier bytes makes them current again. Stages called as the DAG calls them."""

from __future__ import annotations

import dataclasses
import shutil

import duckdb
import pytest

from incubation.demo import build_world, write_inbox
from tests.integration.test_recovery import night

pytestmark = pytest.mark.integration
BLOCKED = "historic_district_mc"


def ledger(settings) -> list[tuple]:
    con = duckdb.connect(str(settings.build_db), read_only=True)
    try:
        return con.execute(
            "select submission_id, unit_code, file_name, status from audit.file_ledger order by 1"
        ).fetchall()
    finally:
        con.close()


def test_an_unwritable_outbox_blocks_no_other_unit(settings, contracts):
    settings = dataclasses.replace(settings, settle_seconds=0)
    world = build_world(seed=13, quarters=("2025Q4",), scale=0.3)
    written = write_inbox(world, settings.inbox, contracts, faults=False)
    settings.outbox.mkdir(parents=True, exist_ok=True)
    (settings.outbox / BLOCKED).write_text("a file where the unit's folder should be")
    night(settings, "blocked")
    first = ledger(settings)
    for path in written:
        unit = path.parent.name
        answered = list((settings.outbox / unit).glob("*_回执.json")) if unit != BLOCKED else []
        if unit == BLOCKED:
            assert path.exists()  # decided, loaded, not answered yet: it waits in the inbox
        else:
            assert not path.exists() and answered, path
    assert {status for _, unit, _, status in first if unit == BLOCKED} == {"loaded"}

    (settings.outbox / BLOCKED).unlink()
    night(settings, "mended")
    assert ledger(settings) == first  # nothing decided twice, nothing new
    assert not any(p.exists() for p in written)
    receipts = list((settings.outbox / BLOCKED).glob("*_回执.json"))
    assert len(receipts) == sum(1 for p in written if p.parent.name == BLOCKED)


def test_earlier_bytes_sent_again_are_current_again(settings, contracts, tmp_path):
    """A, then B (a correction), then A again: A's figures stand, and its receipt says so;
    A once more is a duplicate."""
    settings = dataclasses.replace(settings, settle_seconds=0)
    world = build_world(seed=17, quarters=("2025Q4",), scale=0.3)
    write_inbox(world, settings.inbox, contracts, faults=False)
    night(settings, "n1")
    unit = "dianchuang_park_mc"
    (report_a,) = (settings.archive / unit).glob("*2025Q4_季报及名单.xlsx")
    keep_a = tmp_path / "a.xlsx"
    shutil.copy(report_a, keep_a)
    cid = next(c["carrier_id"] for c in world.carriers if c["reporting_unit"] == unit)
    area_a = world.reports[(cid, "2025Q4")]["area_m2_eop"]
    # B: the same report with one area corrected
    world.reports[(cid, "2025Q4")]["area_m2_eop"] = area_a + 1000
    fresh = tmp_path / "b"
    write_inbox(world, fresh, contracts, faults=False)
    (settings.inbox / unit).mkdir(parents=True, exist_ok=True)
    shutil.copy(fresh / unit / "2025Q4_季报及名单.xlsx", settings.inbox / unit / "更正.xlsx")
    night(settings, "n2")

    def area() -> float:
        con = duckdb.connect(str(settings.warehouse_db), read_only=True)
        try:
            return con.execute(
                "select area_m2_eop from core.fct_carrier_quarter where carrier_id = ? "
                "and period = '2025Q4'",
                [cid],
            ).fetchone()[0]
        finally:
            con.close()

    assert area() == area_a + 1000
    shutil.copy(keep_a, settings.inbox / unit / "改回原表.xlsx")
    night(settings, "n3")
    assert area() == area_a  # current again
    last = ledger(settings)[-1]
    assert (last[2], last[3]) == ("改回原表.xlsx", "loaded")
    shutil.copy(keep_a, settings.inbox / unit / "又一次.xlsx")
    night(settings, "n4")
    last = ledger(settings)[-1]
    assert (last[2], last[3]) == ("又一次.xlsx", "duplicate") and area() == area_a
