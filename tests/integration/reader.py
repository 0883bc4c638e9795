"""A read-only analyst session on the published warehouse, run in its own process while a
nightly run publishes: it records what it sees and every error, until told to stop."""

import json
import os
import sys
import time

import duckdb

STATE = """
select
    (select max(as_of_period) from core.fct_target_progress),
    (select count(*) from raw.incubatee_roster),
    (select count(*) from core.fct_incubatee_quarter),
    (select count(*) from audit.file_ledger)
"""


def main(path: str, mode: str, stop: str, out: str) -> None:
    seen, errors = [], []
    held = duckdb.connect(path, read_only=True) if mode == "held" else None
    while not os.path.exists(stop):
        try:
            con = held or duckdb.connect(path, read_only=True)
            seen.append(list(con.execute(STATE).fetchone()))
            if held is None:
                con.close()
        except Exception as exc:  # every error is a finding
            errors.append(repr(exc))
        time.sleep(0.05)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"seen": seen, "errors": errors}, fh)


if __name__ == "__main__":
    main(*sys.argv[1:])
