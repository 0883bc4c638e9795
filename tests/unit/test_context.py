"""The night's context: what the clean files of a night add, batch by batch."""

import datetime as dt

import pandas as pd
from incubation.context import add_batch, merge_context
from incubation.rules import SEVERAL, CheckContext, context_key

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
