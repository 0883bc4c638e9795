"""The night's context: what the clean files of a night add, batch by batch."""

import datetime as dt

import pandas as pd

from incubation.checks.context import add_batch, merge_context
from incubation.checks.rules import SEVERAL, CheckContext, context_key

TODAY = dt.date(2026, 1, 15)
KEY = ("YZ-FH-0001", "2025Q3")


def roster(*usccs: str, financing: float = 10.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "carrier_id": KEY[0],
            "period": KEY[1],
            "entity_kind": "企业",
            "status": "在孵",
            "uscc": list(usccs),
            "graduation_date": pd.NaT,
            "is_cq_tech_ent": True,
            "financing_cum": financing,
        }
    )


def test_a_later_roster_replaces_the_carrier_quarters_earlier_one_however_batched():
    """Two files of one night name the same carrier-quarter: the later one's counts stand,
    whether the two were in one batch or in two (workers cut the night differently)."""
    earlier, later = roster("A", "B", "C", financing=10.0), roster("A", "D", financing=20.0)
    one_batch = CheckContext(today=TODAY)
    add_batch(one_batch, {"incubatee_roster": [earlier, later]})
    two_batches = CheckContext(today=TODAY)
    for frame in (earlier, later):
        part = CheckContext(today=TODAY)
        add_batch(part, {"incubatee_roster": [frame]})
        merge_context(two_batches, part)
    for ctx in (one_batch, two_batches):
        assert ctx.roster_counts == {
            KEY: {"enterprises": 2, "teams": 0, "cq_tech": 2, "graduated": 0}
        }
        assert ctx.financing[context_key(KEY[0], "A", KEY[1])] == 20.0
        assert set(ctx.active_uscc) == {context_key(c, KEY[1]) for c in "ABCD"}  # ever active


def test_a_code_active_at_two_carriers_is_several_however_batched():
    """``active_uscc`` keeps the one carrier a code is 在孵 at in a quarter, or SEVERAL: in
    one frame, across batches and across workers' merged contexts alike."""
    here = roster("A", "B")
    there = roster("B", "C").assign(carrier_id="YZ-FH-0002")
    again = roster("A")
    one_batch = CheckContext(today=TODAY)
    add_batch(one_batch, {"incubatee_roster": [pd.concat([here, there, again])]})
    merged = CheckContext(today=TODAY)
    for frame in (here, there, again):
        part = CheckContext(today=TODAY)
        add_batch(part, {"incubatee_roster": [frame]})
        merge_context(merged, part)
    for ctx in (one_batch, merged):
        assert ctx.active_uscc == {
            context_key("A", KEY[1]): KEY[0],  # twice, at the same carrier
            context_key("B", KEY[1]): SEVERAL,
            context_key("C", KEY[1]): "YZ-FH-0002",
        }


def test_report_rows_keep_values_and_none_for_missing():
    """A report row of the night (nullable dtypes) or of the warehouse (numpy dtypes, NaN
    and NaT) becomes a dict of plain values, None where nothing was reported."""
    parsed = pd.DataFrame(
        {
            "carrier_id": pd.array([KEY[0], KEY[0]], dtype=object),
            "period": pd.array(["2025Q2", KEY[1]], dtype=object),
            "incubatees_eop": pd.array([47, None], dtype="Int64"),
            "area_m2_eop": pd.array([None, 9800.5], dtype="Float64"),
            "has_mentor": pd.array([True, None], dtype="boolean"),
            "opened": pd.array([dt.date(2024, 1, 1), None], dtype=object),
        }
    )
    stored = pd.DataFrame(
        {
            "carrier_id": [KEY[0]],
            "period": ["2025Q1"],
            "incubatees_eop": [float("nan")],
            "area_m2_eop": [12.5],
            "opened": pd.to_datetime([None]),
        }
    )
    ctx = CheckContext(today=TODAY)
    add_batch(ctx, {"carrier_period_report": [parsed]})
    add_batch(ctx, {"carrier_period_report": [stored]})
    assert ctx.reports[(KEY[0], "2025Q2")] == {
        "carrier_id": KEY[0],
        "period": "2025Q2",
        "incubatees_eop": 47,
        "area_m2_eop": None,
        "has_mentor": True,
        "opened": dt.date(2024, 1, 1),
    }
    assert ctx.reports[KEY] == {
        "carrier_id": KEY[0],
        "period": KEY[1],
        "incubatees_eop": None,
        "area_m2_eop": 9800.5,
        "has_mentor": None,
        "opened": None,
    }
    assert ctx.reports[(KEY[0], "2025Q1")]["incubatees_eop"] is None
    assert ctx.reports[(KEY[0], "2025Q1")]["opened"] is None
    assert ctx.reports[(KEY[0], "2025Q1")]["area_m2_eop"] == 12.5
    values = [v for row in ctx.reports.values() for v in row.values()]
    assert not [v for v in values if type(v).__module__ == "numpy"]  # plain Python values


def test_the_first_night_reads_no_warehouse_rows(tmp_path):
    """Before the first build there is no staging to read: the context holds only the
    night's rows, and reading the warehouse is no error."""
    import duckdb

    from incubation.checks.context import add_warehouse

    db = tmp_path / "build.duckdb"
    duckdb.connect(str(db)).close()  # the ledger's file, no staging in it yet
    ctx = CheckContext(today=TODAY)
    add_warehouse(ctx, db, {KEY[1]})
    assert (ctx.reports, ctx.roster_counts, ctx.carriers) == ({}, {}, {})
