"""Property: whatever is done to a valid workbook's bytes (a part truncated, bytes flipped or
inserted, the zip itself damaged), checking it beside a good file gives both a verdict, the
damaged one refused with a reason a contact can read or accepted, and the good one accepted
as ever: one file's fate is its own."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incubation.checks.problems import ACCEPTED, REJECTED
from incubation.checks.verdicts import check_files
from tests import hostile

COUNTER = itertools.count()


def mutated(data: bytes, member: str | None, operation: str, where: float, junk: bytes) -> bytes:
    """``data`` (a workbook) with one part (``member``, or the zip when None) damaged."""

    def damage(raw: bytes) -> bytes:
        at = int(where * len(raw))
        if operation == "truncate":
            return raw[:at]
        if operation == "flip":
            return raw[:at] + bytes([raw[at] ^ 0xFF]) + raw[at + 1 :] if raw else raw
        if operation == "insert":
            return raw[:at] + junk + raw[at:]
        return raw[:at] + raw[at : at + 64] * 50 + raw[at:]  # a chunk repeated

    if member is None:
        return damage(data)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            raw = zin.read(item.filename)
            zout.writestr(item, damage(raw) if item.filename == member else raw)
    return out.getvalue()


MEMBERS = [
    None,
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/worksheets/sheet1.xml",
    "xl/worksheets/sheet2.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
]
JUNK = st.sampled_from(
    [b"<", b"&x;", b"<!DOCTYPE a>", b"\x00\xff", b'<c r="XFD1048576">', b"]]>", b"\xe4\xb8"]
)


@settings(
    max_examples=20,
    derandomize=True,  # the same cases on every machine: CI is never red by chance
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    member=st.sampled_from(MEMBERS),
    operation=st.sampled_from(["truncate", "flip", "insert", "repeat"]),
    where=st.floats(min_value=0.0, max_value=0.999),
    junk=JUNK,
)
def test_a_damaged_workbook_is_decided_alone(
    tmp_path, contracts, units, runner, project_settings, member, operation, where, junk
):
    folder = tmp_path / f"case{next(COUNTER)}"
    good = hostile.valid_workbook(folder / "good.xlsx")
    damaged = folder / "damaged.xlsx"
    damaged.write_bytes(mutated(good.read_bytes(), member, operation, where, junk))
    verdicts = check_files(
        [(damaged, "sci_tech_bureau"), (good, "sci_tech_bureau")],
        contracts=contracts,
        units=units,
        runner=runner,
        today=dt.date(2026, 1, 15),
        seeds_dir=project_settings.seeds_dir,
    )
    hurt, fine = verdicts
    assert fine.status == ACCEPTED, fine.problems
    assert hurt.status in (ACCEPTED, REJECTED)
    if hurt.status == REJECTED:
        assert all(p.message_zh for p in hurt.problems if p.is_error)
    assert not any(p.rule == "internal_error" for p in hurt.problems), hurt.incidents
