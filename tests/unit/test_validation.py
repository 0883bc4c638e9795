"""Suites and domain rules through the real GX run: every problem located by file, sheet,
row and the column as headed in the contact's file."""

import datetime as dt
import os

from incubation.checks.verdicts import ACCEPTED, REJECTED, check_files
from tests.helpers import write_xlsx

TODAY = dt.date(2026, 1, 15)
# fmt: off
REGISTRY = [
    ["载体编码", "载体名称", "载体类型", "孵化器类别", "运营主体名称", "所属片区", "详细地址", "载体总面积（平方米）"],
    ["YZ-FH-0001", "甲孵化器", "科技企业孵化器", "综合", "甲运营", "总部城数字经济产业园", "石油路1号", 9000],
]
ROSTER_HEADER = ["报告期", "载体编码", "主体类型", "企业（团队）名称", "统一社会信用代码",
                 "成立日期", "入驻日期", "在孵状态", "毕业日期", "团队负责人"]
GOOD_ROSTER = [
    ROSTER_HEADER,
    ["2025Q4", "YZ-FH-0001", "企业", "甲公司", "91350100M000100Y43", "2023-06-01", "2024-01-02", "在孵", None, None],
    ["2025Q4", "YZ-FH-0001", "创业团队", "乙团队", None, None, "2025-11-02", "在孵", None, "张三"],
]
BAD_ROSTER = [
    ROSTER_HEADER,
    ["2025Q4", "YZ-FH-0001", "企业", "甲公司", "91350100M000100Y4Z", "2023-06-01", "2024-01-02", "在孵", None, None],
    ["2025Q4", "YZ-FH-0001", "企业", "丙公司", "91350100M000100Y42", "2023-06-01", "2024-01-02", "在孵", None, None],
    ["2025Q4", "YZ-FH-0001", "企业", "丁公司", None, "2023-06-01", "2024-03-01", "已毕业", "2024-02-01", None],
    ["2025Q4", "YZ-FH-0001", "公司", "戊公司", "91350100M000100Y43", "2023-06-01", "2024-01-02", "孵化中", None, None],
    ["2027Q1", "YZ-FH-0001", "企业", "甲公司", "91350100M000100Y43", "2023-06-01", "2024-01-02", "在孵", None, None],
    ["2025Q4", "YZ-FH-0001", "企业", "甲公司", "91350100M000100Y43", "2023-06-01", "2024-01-02", "在孵", None, None],
]
REPORT_HEADER = ["报告期", "载体编码", "期末载体面积（平方米）", "期末在孵企业数（家）", "期末在孵创业团队数（个）"]
# fmt: on


def check(paths, contracts, units, runner, settings, unit="digital_park_mc", **options):
    return check_files(
        [(p, unit) for p in paths],
        contracts=contracts,
        units=units,
        runner=runner,
        today=TODAY,
        seeds_dir=settings.seeds_dir,
        **options,
    )


def test_good_and_bad_files_in_one_batch(tmp_path, contracts, units, runner, project_settings):
    good = write_xlsx(tmp_path / "good.xlsx", {"登记": REGISTRY, "名单": GOOD_ROSTER})
    bad = write_xlsx(tmp_path / "bad.xlsx", {"名单": BAD_ROSTER})
    good_v, bad_v = check([good, bad], contracts, units, runner, project_settings)
    assert good_v.problems == [] and good_v.status == ACCEPTED
    assert bad_v.status == REJECTED
    errors = {(p.row, p.column, p.rule) for p in bad_v.problems if p.is_error}
    assert errors == {
        (2, "统一社会信用代码", "expect_column_values_to_match_regex"),  # Z not in the set
        (3, "统一社会信用代码", "ros_uscc_check_character"),  # right shape, wrong check char
        (4, "统一社会信用代码", "ros_uscc_required_for_enterprise"),
        (4, "毕业日期、入驻日期", "expect_column_pair_values_a_to_be_greater_than_b"),
        (5, "主体类型", "expect_column_values_to_be_in_set"),
        (5, "在孵状态", "expect_column_values_to_be_in_set"),
        (6, "报告期", "ros_period_out_of_range"),
        # 甲公司 twice in 2025Q4 of the same carrier (rows 2 and 7), by name
        (2, "载体编码、报告期、企业（团队）名称", "expect_compound_columns_to_be_unique"),
        (7, "载体编码、报告期、企业（团队）名称", "expect_compound_columns_to_be_unique"),
        # 戊公司 (row 5) carries 甲公司's code of row 7
        (5, "载体编码、报告期、统一社会信用代码", "expect_compound_columns_to_be_unique"),
        (7, "载体编码、报告期、统一社会信用代码", "expect_compound_columns_to_be_unique"),
    }
    warnings = {(p.row, p.rule) for p in bad_v.problems if p.severity == "W"}
    assert warnings == {(4, "ros_graduation_basis_required")}
    assert all(p.sheet == "名单" for p in bad_v.problems)
    check_char = next(p for p in bad_v.problems if p.rule == "ros_uscc_check_character")
    assert "第 18 位应为“3”" in check_char.message_zh


def test_key_unique_within_a_file_not_across_files(
    tmp_path, contracts, units, runner, project_settings
):
    rows = [
        ["报告期", "载体编码", "期末载体面积", "期末在孵企业数", "期末在孵创业团队数"],
        ["2025Q1", "YZ-FH-0001", 100, 1, 0],
    ]
    first = write_xlsx(tmp_path / "a.xlsx", {"登记": REGISTRY, "季报": rows})
    again = write_xlsx(tmp_path / "b.xlsx", {"季报": rows})  # a resubmission in the same night
    verdicts = check([first, again], contracts, units, runner, project_settings)
    assert [v.status for v in verdicts] == [ACCEPTED, ACCEPTED]


def test_zone_values_come_from_the_seed(tmp_path, contracts, units, runner, project_settings):
    unknown_zone = [*REGISTRY[1][:5], "观音桥", *REGISTRY[1][6:]]
    unknown_zone[0], unknown_zone[1] = "YZ-FH-0002", "乙孵化器"
    path = write_xlsx(tmp_path / "r.xlsx", {"登记": [*REGISTRY, unknown_zone]})
    (verdict,) = check([path], contracts, units, runner, project_settings, unit="sci_tech_bureau")
    assert [(p.row, p.column, p.value) for p in verdict.problems] == [(3, "所属片区", "观音桥")]


def test_batches_and_spilled_rows_give_the_same_verdicts(
    tmp_path, contracts, units, runner, project_settings, monkeypatch
):
    """One file per batch, rows waiting on disk between the passes, verdicts handed to a sink
    as they are final: the same problems as all files at once (the registry of the first file
    authorises the roster of the others)."""
    from incubation.checks import verdicts as checking

    paths = [
        write_xlsx(tmp_path / "good.xlsx", {"登记": REGISTRY, "名单": GOOD_ROSTER}),
        write_xlsx(tmp_path / "bad.xlsx", {"名单": BAD_ROSTER}),
        write_xlsx(tmp_path / "good2.xlsx", {"名单": GOOD_ROSTER}),
    ]
    together = check(paths, contracts, units, runner, project_settings)
    monkeypatch.setattr(checking, "BATCH_ROWS", 1)
    apart = check(
        paths,
        contracts,
        units,
        runner,
        project_settings,
        spill_dir=tmp_path / "spill",
        # called in the worker that made the verdict: what it returns comes back as staged
        sink=lambda i, v: (v.status, v.rows, sorted(v.problems, key=repr)),
    )
    sunk = {i: v.staged for i, v in enumerate(apart)}
    assert sunk == {
        i: (v.status, v.rows, sorted(v.problems, key=repr)) for i, v in enumerate(together)
    }
    # back from the sink without rows and problems, with their counts
    assert [(v.status, v.n_errors, v.n_warnings, v.rows, v.problems) for v in apart] == [
        (v.status, v.n_errors, v.n_warnings, 0, []) for v in together
    ]
    assert any(v.n_errors for v in together) and any(v.n_warnings for v in together)
    assert not any((tmp_path / "spill").iterdir())  # nothing left behind


def test_a_small_template_waits_for_one_gx_run_and_the_later_file_still_wins(
    tmp_path, contracts, units, runner, project_settings, monkeypatch
):
    """Rosters fill their stack with every file; the registry and the period report wait for
    one GX run each at the end. The first file (its registry rows waiting) so is through the
    first pass after the second: still, the second file's roster is the carrier-quarter's,
    as in file order, and the period report agrees with it. Stacks holding ``HOLD_ROWS``
    rows in all: every one runs."""
    from incubation.checks import uscc
    from incubation.checks import verdicts as checking

    code = "91350100M000200Y4"
    second = code + uscc.expected_check_character(code + "0")
    roster = [
        ROSTER_HEADER,
        [*GOOD_ROSTER[1][:3], "丙公司", second, *GOOD_ROSTER[1][5:]],
        GOOD_ROSTER[1],
    ]
    report = [
        REPORT_HEADER,
        ["2025Q4", "YZ-FH-0001", 9000, 2, 0],  # the second file's roster: 2 firms, no team
    ]
    paths = [
        write_xlsx(tmp_path / "a.xlsx", {"登记": REGISTRY, "名单": GOOD_ROSTER}),  # 1 and 1
        write_xlsx(tmp_path / "b.xlsx", {"名单": roster}),
        write_xlsx(tmp_path / "c.xlsx", {"季报": report}),
    ]
    together = check(paths, contracts, units, runner, project_settings)
    log = tmp_path / "gx-runs.log"  # the first pass runs in a worker: it writes them down

    def runs() -> list[tuple[str, int]]:
        lines = log.read_text().splitlines() if log.exists() else []
        return [(t, int(n)) for t, n in (line.split() for line in lines)]

    def recorded(template, frame, validate=runner.validate):
        with log.open("a") as fh:
            fh.write(f"{template} {len(frame)}\n")
        return validate(template, frame)

    monkeypatch.setattr(runner, "validate", recorded)
    monkeypatch.setattr(checking, "BATCH_ROWS", 2)
    apart = check(paths, contracts, units, runner, project_settings)
    assert sorted(runs()) == [
        ("carrier_period_report", 1),
        ("carrier_registry", 1),
        ("incubatee_roster", 2),
        ("incubatee_roster", 2),
    ]
    assert runs()[:2] == [("incubatee_roster", 2)] * 2
    assert [(v.status, v.problems) for v in apart] == [(v.status, v.problems) for v in together]
    assert [v.status for v in apart] == [ACCEPTED] * 3
    assert apart[2].problems == []  # no disagreement with the first file's roster
    log.unlink()
    monkeypatch.setattr(checking, "HOLD_ROWS", 3)  # the first file's 3 rows: every stack runs
    held = check(paths, contracts, units, runner, project_settings)
    assert runs() == [
        ("carrier_registry", 1),
        ("incubatee_roster", 2),
        ("incubatee_roster", 2),
        ("carrier_period_report", 1),
    ]
    assert [(v.status, v.problems) for v in held] == [(v.status, v.problems) for v in together]


def test_each_file_in_a_batch_is_told_its_own_headers(
    tmp_path, contracts, units, runner, project_settings
):
    """Two files, same sheet name, the credit code headed two ways: each problem names the
    column as its own file heads it, though GX validated both files in one run."""
    aliased = [["社会信用代码" if h == "统一社会信用代码" else h for h in BAD_ROSTER[0]]]
    first = write_xlsx(tmp_path / "a.xlsx", {"名单": BAD_ROSTER[:2]})
    second = write_xlsx(tmp_path / "b.xlsx", {"名单": aliased + BAD_ROSTER[1:2]})
    verdicts = check([first, second], contracts, units, runner, project_settings)
    named = [
        {p.column for p in v.problems if p.rule == "expect_column_values_to_match_regex"}
        for v in verdicts
    ]
    assert named == [{"统一社会信用代码"}, {"社会信用代码"}]


def test_worker_processes_give_the_verdicts_of_one_process(
    tmp_path, contracts, units, project_settings, monkeypatch
):
    """Both passes in two forked workers, each claiming files as it is free, largest first:
    the same verdicts, handed to the sink, as one process (the registry in the first file
    authorises the rosters of the others, wherever they were checked), and every GX
    validation's page in the Data Docs index."""
    from incubation.checks import verdicts as checking
    from incubation.checks.suites import SuiteRunner

    paths = [
        write_xlsx(tmp_path / "good.xlsx", {"登记": REGISTRY, "名单": GOOD_ROSTER}),
        write_xlsx(tmp_path / "bad.xlsx", {"名单": BAD_ROSTER}),
        write_xlsx(tmp_path / "good2.xlsx", {"名单": GOOD_ROSTER}),
        write_xlsx(tmp_path / "good3.xlsx", {"名单": GOOD_ROSTER}),
    ]
    monkeypatch.setattr(checking, "BATCH_ROWS", 1)  # one GX run per file and template
    monkeypatch.setattr(checking, "WORKER_BYTES", 1)  # files this small get workers all the same
    verdicts, docs = {}, {}
    for workers in (1, 2):
        docs[workers] = tmp_path / f"docs{workers}"
        runner = SuiteRunner(
            project_settings.expectations_dir,
            project_settings.seeds_dir,
            list(contracts),
            docs[workers],
        )
        verdicts[workers] = check(
            paths,
            contracts,
            units,
            runner,
            project_settings,
            spill_dir=tmp_path / f"spill{workers}",
            sink=lambda i, v: (i, v.status, v.rows, os.getpid()),
            workers=workers,
        )
    assert checking._processes([(p, "x") for p in paths], 2) == 2
    one, two = ([(v.status, v.problems, v.staged[:3]) for v in verdicts[w]] for w in (1, 2))
    assert one == two
    assert [v[0] for v in one] == [ACCEPTED, REJECTED, ACCEPTED, ACCEPTED]
    assert [v[2][2] for v in one] == [3, 6, 2, 2]  # rows, counted where staged
    # the second pass too, in one worker or two, never in this process
    assert len({v.staged[3] for v in verdicts[1]}) == 1
    assert os.getpid() not in {v.staged[3] for w in (1, 2) for v in verdicts[w]}
    for workers in (1, 2):
        pages = sorted(docs[workers].glob("validations/**/*.html"))
        index = (docs[workers] / "index.html").read_text("utf-8")
        assert len(pages) == 5  # the registry once, the roster once per file
        assert all(str(p.relative_to(docs[workers])) in index for p in pages)


def test_a_worker_per_worker_bytes_of_files_and_the_largest_files_first(tmp_path, monkeypatch):
    """Up to the workers asked for, one per ``WORKER_BYTES`` of files, never more than the
    files; processes claim the files largest first (ties in file order), each file once, and
    one process takes them in file order."""
    import multiprocessing

    from incubation.checks import verdicts as checking
    from incubation.checks.workers import Board

    monkeypatch.setattr(checking, "WORKER_BYTES", 100)
    files = []
    for i, size in enumerate([60, 90, 10, 90, 30]):
        path = tmp_path / f"{i}.csv"
        path.write_bytes(b"x" * size)
        files.append((path, "x"))
    assert checking._processes(files, 2) == 2  # 280 bytes
    assert checking._processes(files, 4) == 2
    assert checking._processes(files[2:3], 2) == 1
    assert checking._processes(files[:2], 8) == 1  # 150 bytes
    assert checking._processes(files, 1) == 1
    assert checking._order(files, 1) == [0, 1, 2, 3, 4]
    assert checking._order(files, 2) == [1, 3, 0, 4, 2]
    board = Board(checking._order(files, 2), 2)
    claimed = multiprocessing.get_context("fork").SimpleQueue()

    def claim(worker):
        for i in board.claims(worker):
            claimed.put(i)

    workers = [
        multiprocessing.get_context("fork").Process(target=claim, args=(k,)) for k in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    taken = [claimed.get() for _ in range(5)]
    assert claimed.empty()
    assert sorted(taken) == [0, 1, 2, 3, 4]  # each file once, across the two processes
    assert list(board.claims(0)) == []  # all claimed
    assert sorted(board.owned_by(0) + board.owned_by(1)) == [0, 1, 2, 3, 4]


def test_only_the_failed_expectations_run_again_for_their_rows(tmp_path, contracts, units, runner):
    """A suite runs first for success alone; the expectations that failed run again for
    every failing row. The result reads as one run: the suite's statistics, each failing row
    of each failed expectation (with the expectation as the suite holds it), and nothing
    more for the ones that held."""
    from incubation.parsing.readers import read_file
    from incubation.parsing.sheets import parse_sheets

    path = write_xlsx(tmp_path / "bad.xlsx", {"名单": BAD_ROSTER})
    frame = parse_sheets(read_file(path), contracts, units).frames["incubatee_roster"]
    result = runner.validate("incubatee_roster", frame.assign(file_index=0))
    failed = {item.expectation_config.type: item for item in result.results if not item.success}
    assert set(failed) == {
        "expect_column_values_to_match_regex",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_column_values_to_be_in_set",
        "expect_compound_columns_to_be_unique",
    }
    suite = {e.id for e in runner.definitions["incubatee_roster"].suite.expectations}
    assert all(item.expectation_config.id in suite for item in failed.values())
    pair = failed["expect_column_pair_values_a_to_be_greater_than_b"].result
    assert [frame.loc[i, "source_row"] for i in pair["unexpected_index_list"]] == [4]
    assert all(item.result == {} for item in result.results if item.success)
    statistics = result.statistics
    assert statistics["evaluated_expectations"] == len(suite)
    assert statistics["unsuccessful_expectations"] == sum(
        not item.success for item in result.results
    )


def test_a_suite_is_given_only_the_columns_it_names(runner):
    from incubation.checks.suites import suite_columns

    doc = {
        "expectations": [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}},
            {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": ["a", "b"]}},
            {
                "type": "expect_column_pair_values_a_to_be_greater_than_b",
                "kwargs": {"column_A": "c", "column_B": "a"},
            },
        ]
    }
    assert suite_columns(doc) == ["a", "b", "c"]
    doc["expectations"].append(
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}}
    )
    assert suite_columns(doc) is None  # a table-level expectation: every column
    roster = runner.columns["incubatee_roster"]
    assert {"uscc", "file_index", "entry_date"} <= set(roster)
    assert not {"source_sheet", "source_row", "remarks"} & set(roster)


def test_nullable_numbers_reach_gx_as_numpy_where_nothing_is_lost(contracts, runner, monkeypatch):
    """Float64 goes to GX as float64 (missing as NaN), Int64 as int64 when no value is
    missing, and only where the suite's type list takes numpy's name; GX finds the same rows
    wrong either way."""
    import random

    from incubation.checks import suites as validation
    from incubation.parsing.sheets import to_frame
    from tests.unit.test_suites import base_row

    rng = random.Random(5)
    rows = [base_row("incubatee_roster", k, rng) for k in range(1, 5)]
    for row, revenue, employees, grads in zip(
        rows, [-1.5, None, 3.0, -0.5], [2, -3, 4, 0], [None, 1, -1, 0], strict=True
    ):
        row.update(revenue=revenue, employees=employees, fresh_grads=grads)
    frame = to_frame(
        [{"source_sheet": "名单", "source_row": 2, **r} for r in rows],
        contracts["incubatee_roster"],
    ).assign(file_index=0)
    assert {frame[c].dtype.name for c in ("revenue", "employees", "fresh_grads")} == {
        "Float64",
        "Int64",
    }
    allowed = runner.types["incubatee_roster"]
    handed = validation.numpy_numbers(frame, allowed)
    assert handed["revenue"].dtype == "float64" and handed["employees"].dtype == "int64"
    assert handed["fresh_grads"].dtype == "Int64"  # a value missing: as float64 it is no int
    strict = {**allowed, "employees": {"Int64Dtype"}}
    assert validation.numpy_numbers(frame, strict)["employees"].dtype == "Int64"

    def wrong_rows(result):
        return {
            (item.expectation_config.type, item.expectation_config.kwargs.get("column")): sorted(
                item.result["unexpected_index_list"]
            )
            for item in result.results
            if not item.success
        }

    found = wrong_rows(runner.validate("incubatee_roster", frame))
    monkeypatch.setattr(validation, "numpy_numbers", lambda frame, allowed: frame)
    assert wrong_rows(runner.validate("incubatee_roster", frame)) == found
    assert found[("expect_column_values_to_be_between", "revenue")] == [0, 3]
    assert found[("expect_column_values_to_be_between", "employees")] == [1]
    assert found[("expect_column_values_to_be_between", "fresh_grads")] == [2]


def test_context_queries_that_fail_on_one_file_refuse_that_file_alone(
    tmp_path, contracts, units, runner, project_settings, monkeypatch
):
    from incubation.checks import verdicts

    good = write_xlsx(tmp_path / "good.xlsx", {"登记": REGISTRY, "名单": GOOD_ROSTER})
    other = write_xlsx(tmp_path / "other.xlsx", {"名单": GOOD_ROSTER[:2]})
    alone = check([good], contracts, units, runner, project_settings)[0]
    real = verdicts.context_problems

    def failing_on_the_second_file(night, *args):
        if 1 in night.units:
            raise RuntimeError("a query cannot take this file's rows")
        return real(night, *args)

    monkeypatch.setattr(verdicts, "context_problems", failing_on_the_second_file)
    good_v, other_v = check([good, other], contracts, units, runner, project_settings)
    assert good_v.status == ACCEPTED and good_v.problems == alone.problems
    assert other_v.status == REJECTED
    assert [p.rule for p in other_v.problems if p.is_error] == ["internal_error"]
    assert any("a query cannot take" in detail for detail in other_v.incidents)

    def failing_always(night, *args):
        raise RuntimeError("our query is wrong")

    monkeypatch.setattr(verdicts, "context_problems", failing_always)
    verdicts_ = check([good, other], contracts, units, runner, project_settings)
    assert [v.status for v in verdicts_] == [REJECTED, REJECTED]
