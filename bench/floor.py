"""The floor of a night: DuckDB loads the rows straight from CSV, then the same dbt build.

    INCUBATION_HOME=… .venv/bin/python -m bench.floor CSV_DIR

One ``read_csv`` per template with the contract's columns and types given explicitly, into
the same raw tables the pipeline fills (one ledger row per template, so staging sees a loaded
submission), then ``dbt build``. Prints one JSON line: rows, load_s, dbt_s.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from incubation.contracts import load_contracts
from incubation.settings import Settings
from incubation.store import ledger
from incubation.store.warehouse import run_dbt


def main(csv_dir: Path) -> dict:
    settings = Settings.from_env()
    settings.ensure_dirs()
    contracts = load_contracts(settings.contracts_dir)
    started = time.perf_counter()
    rows = 0
    now = dt.datetime.now()
    with ledger.connect(settings.build_db, contracts) as con:
        for submission_id, (name, contract) in enumerate(sorted(contracts.items()), start=1):
            path = csv_dir / f"{name}.csv"
            con.execute(
                """insert into audit.file_ledger (submission_id, sha256, unit_code, file_name,
                       inbox_path, discovered_at, status, decided_at)
                   values (?, ?, 'sci_tech_bureau', ?, ?, ?, 'loaded', ?)""",
                [submission_id, f"floor-{name}", path.name, str(path), now, now],
            )
            types = ", ".join(f"'{c.name}': '{c.duckdb_type}'" for c in contract.columns)
            cols = ", ".join(c.name for c in contract.columns)
            con.execute(
                f"""insert into raw.{name} (submission_id, source_sheet, source_row, loaded_at, {cols})
                    select {submission_id}, 'csv', row_number() over () + 1, ?, {cols}
                    from read_csv(?, header = true, columns = {{{types}}})""",
                [now, str(path)],
            )
            rows += con.execute(f"select count(*) from raw.{name}").fetchone()[0]
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    run_dbt(settings, "build")
    return {
        "rows": rows,
        "load_s": round(load_s, 1),
        "dbt_s": round(time.perf_counter() - started, 1),
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
