"""One bad file never stops the night: hostile and careless files dropped with a unit's good
files into one real night (dag.test(), real GX and dbt). Every night completes; every good
file is loaded; every hostile one is refused with its reason, in its own unit's outbox;
nothing is lost (files in = archived + quarantined + still waiting, by sha256); the night
stays within its budgets."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections import Counter
from pathlib import Path

import duckdb
import pendulum
import pytest

from incubation.checks import verdicts as checking
from incubation.demo import build_world, write_inbox
from tests import hostile

pytestmark = pytest.mark.integration
UNIT = "digital_park_mc"


def digests(*folders: Path) -> Counter:
    """sha256 of every regular file under the folders (links are not files: not counted)."""
    found = Counter()
    for folder in folders:
        for root, _dirs, files in os.walk(folder):
            for name in files:
                path = Path(root) / name
                if not path.is_symlink():
                    found[hashlib.sha256(path.read_bytes()).hexdigest()] += 1
    return found


def answers(settings, unit: str) -> dict[str, dict]:
    """The unit's reports by the file name they answer."""
    found = {}
    for path in (settings.outbox / unit).glob("*.json"):
        report = json.loads(path.read_text("utf-8"))
        found[report["file_name"]] = report
    return found


def test_hostile_files_never_stop_the_night(settings, contracts, nightly_dag, monkeypatch):
    world = build_world(seed=5, quarters=("2025Q4",), scale=0.3)
    good = write_inbox(world, settings.inbox, contracts, faults=False)
    carrier = next(c["carrier_id"] for c in world.carriers if c["reporting_unit"] == UNIT)
    folder = settings.inbox / UNIT
    valid = hostile.valid_report(settings.home / "valid.xlsx", carrier)
    sheet, rels = hostile.SHEET, "xl/_rels/workbook.xml.rels"
    made = [  # (file name, the rule its refusal names, how it is made)
        ("rels_doctype.xlsx", "unsafe_xml", (rels, hostile.with_doctype)),
        ("workbook_doctype.xlsx", "unsafe_xml", ("xl/workbook.xml", hostile.with_doctype)),
        ("entity_in_cell.xlsx", "corrupt_file", (sheet, hostile.with_entity_in_a_cell)),
        (
            "far_cell.xlsx",
            "sheet_too_large",
            (sheet, hostile.with_far_cell(b"XFD1048576", 1048576)),
        ),
        ("wide_far.xlsx", "sheet_too_large", (sheet, hostile.with_far_cell(b"ZZ200000", 200000))),
        ("truncated.xlsx", "corrupt_file", (sheet, hostile.truncated)),
        ("no_types.xlsx", "wrong_type", ("[Content_Types].xml", lambda data: data)),
    ]
    refusals = {
        name: (rule, hostile.rewrite(valid, folder / name, member, change))
        for name, rule, (member, change) in made
    }
    refusals["unclosed_quote.csv"] = (
        "malformed_csv",
        hostile.unclosed_quote_csv(folder / "unclosed_quote.csv"),
    )
    refusals["崩溃.xlsx"] = ("file_died", shutil.copy(valid, folder / "崩溃.xlsx"))
    refusals["超时.xlsx"] = (
        "file_timeout",
        hostile.valid_report(folder / "超时.xlsx", carrier, "2025Q1"),  # bytes of its own
    )
    with_member_dropped = refusals["no_types.xlsx"][1]
    _drop_member(with_member_dropped, "[Content_Types].xml")
    decided = [  # decided, whichever way, in a bounded time
        hostile.rewrite(
            valid, folder / "unclosed_cells.xlsx", sheet, hostile.with_unclosed_cells(200_000)
        )
    ]
    # names a file system allows: 247 bytes, and GBK bytes
    long_name = folder / ("很" * 80 + "ab.xlsx")
    shutil.copy(hostile.valid_report(settings.home / "v2.xlsx", carrier, "2025Q3"), long_name)
    gbk_name = Path(os.fsdecode(os.fsencode(folder) + b"/" + "GBK季报".encode("gbk") + b".xlsx"))
    shutil.copy(hostile.valid_report(settings.home / "v3.xlsx", carrier, "2025Q2"), gbk_name)
    # a link to another unit's file, and the coordinator's recognitions copied by a zone
    other = next((settings.inbox / "dianchuang_park_mc").glob("*.xlsx"))
    (folder / "link.xlsx").symlink_to(other)
    recognitions = settings.inbox / "sci_tech_bureau" / "孵化载体认定名单.xlsx"
    shutil.copy(recognitions, folder / "认定名单副本.xlsx")
    # two misplaced files of one name
    (settings.inbox / "a.xlsx").write_bytes(b"first misplaced")
    (settings.inbox / "not_a_unit").mkdir()
    (settings.inbox / "not_a_unit" / "a.xlsx").write_bytes(b"second misplaced")

    # faults injected where the reader runs (the check's forked workers inherit them)
    read_file = checking.read_file

    def hostile_reader(path, *args, **kwargs):
        if path.name == "崩溃.xlsx":
            os.abort()  # as a reader that cannot allocate does
        if path.name == "超时.xlsx":
            time.sleep(600)
        return read_file(path, *args, **kwargs)

    monkeypatch.setattr(checking, "read_file", hostile_reader)
    monkeypatch.setenv("INCUBATION_MAX_FILE_SECONDS", "10")
    files_in = digests(settings.inbox)
    started = time.monotonic()
    run = nightly_dag.test(logical_date=pendulum.datetime(2026, 1, 15, 2, tz="Asia/Shanghai"))
    wall = time.monotonic() - started
    assert run.state == "success"

    # nothing lost: every file is archived, quarantined or still waiting
    assert digests(settings.archive, settings.quarantine, settings.inbox) == files_in
    assert not (settings.inbox / UNIT / "link.xlsx").is_symlink()
    links = list((settings.quarantine / UNIT).glob("*__link.xlsx"))
    assert len(links) == 1 and links[0].is_symlink()  # the link itself, never what it names
    assert os.readlink(links[0]) == str(other)
    # every good file loaded
    con = duckdb.connect(str(settings.build_db), read_only=True)
    ledger = {
        r[0]: r[1:]
        for r in con.execute(
            "select file_name, status, unit_code, stored_path from audit.file_ledger"
        ).fetchall()
    }
    con.close()
    for path in good:
        assert ledger[path.name][0] == "loaded", path
    # every hostile file refused for its reason, in its own unit's outbox
    answered = answers(settings, UNIT)
    for name, (rule, _path) in refusals.items():
        assert answered[name]["accepted"] is False, name
        assert rule in {p["rule"] for p in answered[name]["problems"]}, (name, answered[name])
    for path in decided:
        assert ledger[path.name][0] in ("loaded", "rejected")
    # the odd names: accepted, their receipts named within a name's length, the name kept
    assert answered[long_name.name]["accepted"] is True, answered[long_name.name]["problems"]
    assert answered["GBK季报.xlsx"]["accepted"] is True, answered["GBK季报.xlsx"]["problems"]
    assert ledger["GBK季报.xlsx"][0] == "loaded"
    # the same bytes in two units: two submissions, each judged for its own unit
    assert answered["认定名单副本.xlsx"]["accepted"] is False  # only the coordinator may
    assert answers(settings, "sci_tech_bureau")["孵化载体认定名单.xlsx"]["accepted"] is True
    assert ledger["认定名单副本.xlsx"][1] == UNIT
    # both misplaced files kept, under names of their own
    unknown = sorted(p.read_bytes() for p in (settings.quarantine / "_unknown").iterdir())
    assert unknown == [b"first misplaced", b"second misplaced"]
    # the engineers hear of the worker that died and of the file stopped past its time
    incidents = [
        json.loads(p.read_text("utf-8"))
        for p in (settings.outbox / "_engineers").glob("*_incident_*.json")
    ]
    assert sorted(i["file"] for i in incidents) == ["崩溃.xlsx", "超时.xlsx"]
    # within the budgets: no stage near a worker's memory, the night bounded in time
    stages = [
        json.loads(line) for line in (settings.runs / "metrics.jsonl").read_text().splitlines()
    ]
    assert max(s["peak_rss_mb"] for s in stages) < settings.max_worker_mb
    assert wall < 600


def _drop_member(path: Path, member: str) -> None:
    kept = path.with_suffix(".tmp")
    with zipfile_open(path) as zin, zipfile_open(kept, "w") as out:
        for item in zin.infolist():
            if item.filename != member:
                out.writestr(item, zin.read(item.filename))
    kept.replace(path)


def zipfile_open(path: Path, mode: str = "r"):
    import zipfile

    return zipfile.ZipFile(path, mode, zipfile.ZIP_DEFLATED)
