"""The ledger and raw tables: idempotent schema, one registration per file, new columns."""

import dataclasses

from incubation.checks.problems import Problem
from incubation.contracts import Column
from incubation.store import ledger


def register(con, path, sha256, status=ledger.STATUS_RECEIVED, unit="sci_tech_bureau") -> int:
    return ledger.register(
        con,
        sha256=sha256,
        unit_code=unit,
        path=path,
        size=1,
        mtime=0,
        run_id="r",
        status=status,
    )


def register_files(con, folder, names, status=ledger.STATUS_LOADED) -> list[int]:
    """One file per name (its name as content and hash) registered for one unit."""
    ids = []
    for name in names:
        path = folder / name
        path.write_bytes(name.encode())
        ids.append(register(con, path, name, status, "digital_park_mc"))
    return ids


def test_schema_is_idempotent_and_registers(settings, contracts, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"x")
    with ledger.connect(settings.build_db, contracts) as con:
        ledger.ensure_schema(con, contracts)  # a second time changes nothing
        sid = register(con, path, "abc")
        assert ledger.find_by_sha(con, "abc", "sci_tech_bureau") == (sid, "received")
        assert ledger.find_by_sha(con, "abc", "digital_park_mc") is None  # another unit's
        ledger.update(con, sid, status=ledger.STATUS_LOADED, rows_loaded=3)
        row = ledger.get(con, sid)
        assert (row["status"], row["rows_loaded"], row["file_name"]) == ("loaded", 3, "a.xlsx")
        second = register(con, path, "def")
        assert second == sid + 1
        tables = {
            r[0]
            for r in con.execute(
                "select table_schema || '.' || table_name from information_schema.tables"
            ).fetchall()
        }
    assert {
        "audit.file_ledger",
        "audit.validation_results",
        "audit.runs",
        "raw.carrier_registry",
        "raw.carrier_period_report",
        "raw.incubatee_roster",
        "raw.carrier_recognition",
    } <= tables


def test_a_contract_column_added_later_is_added_to_raw(settings, contracts):
    with ledger.connect(settings.build_db, contracts) as con:
        pass
    grown = dict(contracts)
    report = contracts["carrier_period_report"]
    grown["carrier_period_report"] = dataclasses.replace(
        report, columns=(*report.columns, Column("new_measure", "新指标", "int"))
    )
    with ledger.connect(settings.build_db, grown) as con:
        cols = {
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns where table_name = 'carrier_period_report'"
            ).fetchall()
        }
    assert "new_measure" in cols


def test_a_night_of_submissions_in_one_statement_each(settings, contracts, tmp_path):
    """Problems replaced and supersessions found for several submissions at once, each kept
    to its own submission."""
    with ledger.connect(settings.build_db, contracts) as con:
        ids = register_files(con, tmp_path, ("一季度.xlsx", "一季度更正.xlsx", "二园区.xlsx"))
        first, correction, other = ids
        rows = [(first, "C1"), (first, "C2"), (correction, "C1"), (other, "C3")]
        for submission_id, carrier in rows:
            con.execute(
                """insert into raw.carrier_period_report
                       (submission_id, source_sheet, source_row, loaded_at, carrier_id, period)
                   values (?, '季报', 2, now(), ?, '2025Q1')""",
                [submission_id, carrier],
            )
        assert ledger.replaced_submissions(con, ids, contracts) == {
            first: [],
            correction: [{"submission_id": first, "file_name": "一季度.xlsx"}],
            other: [],
        }
        problem = Problem("W", "w", "x", sheet="季报", row=2, value=12.5)
        staged = {
            (i, n): tmp_path / f"{i}_{n}.parquet" for i, n in ((first, 2), (other, 1), (first, 1))
        }
        for (submission_id, n), path in staged.items():
            ledger.stage_problems(con, {submission_id: [problem] * n}, path)
        paths = [str(staged[first, 2]), str(staged[other, 1])]
        ledger.replace_staged_problems(con, [first, other], paths)
        ledger.replace_staged_problems(con, [first, correction], [str(staged[first, 1])])
        counts = con.execute(
            "select submission_id, count(*) from audit.validation_results group by all order by 1"
        ).fetchall()
        assert counts == [(first, 1), (other, 1)]
        assert con.execute(
            "select * exclude (submission_id) from audit.validation_results where submission_id = ?",
            [first],
        ).fetchall() == [("W", "w", "parse", "季报", 2, None, "12.5", "x", "")]
        assert set(ledger.rows(con, ids)) == set(ids)


def test_a_report_reads_its_first_problems_and_counts_them_all(settings, contracts, tmp_path):
    """The night's reports read at most the cap of problems per file (errors first, then by
    sheet and row), and the counts of all of them."""
    from incubation.pipeline.answering import problems_of

    with ledger.connect(settings.build_db, contracts) as con:
        ids = register_files(
            con, tmp_path, ("多.xlsx", "少.xlsx", "无.xlsx"), ledger.STATUS_REJECTED
        )
        many, few, _ = ids

        def problem(severity, row):
            return Problem(severity, "r", "x", sheet="名单", row=row)

        found = {
            many: [problem("W", r) for r in range(9, 2, -1)] + [problem("E", 20)],
            few: [problem("W", 5)],
        }
        ledger.stage_problems(con, found, tmp_path / "night.pq")  # one file for both
        ledger.replace_staged_problems(con, ids, [str(tmp_path / "night.pq")] * len(found))
        found = problems_of(con, ids, 3, frozenset({"r"}))
    assert set(found) == {many, few}  # a file without problems: nothing to read
    shown, counts, compared = found[many]
    assert [(p["severity"], p["row"]) for p in shown] == [("E", 20), ("W", 3), ("W", 4)]
    assert counts == (1, 7, 8)
    assert compared == 1  # its one error comes from a rule named as a comparison
    assert [p["row"] for p in found[few][0]] == [5] and found[few][1] == (0, 1, 1)
