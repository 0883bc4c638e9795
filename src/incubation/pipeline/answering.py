"""Answering decided files: each file's receipt or rejection report written, then the file
moved to archive or quarantine."""

from __future__ import annotations

import logging
from pathlib import Path

from incubation.answers.receipts import (
    build_report,
    report_stem,
    write_reports,
)
from incubation.checks import reference
from incubation.checks.rules import RULES
from incubation.intake.names import text_path
from incubation.pipeline.common import contracts_of
from incubation.settings import Settings
from incubation.store import filing, ledger

log = logging.getLogger(__name__)

# the rules that judge a file against other files: a rejection says how many of its errors
COMPARED_RULES = frozenset(r.id for r in RULES if r.compares_files)


def file_decided(settings: Settings, con, ids: list[int], staged: dict | None = None) -> None:
    """Write the reports of decided files that have none yet, then move the files to archive
    or quarantine (idempotent)."""
    file_away(con, ids, write_answers(reports_to_write(settings, con, ids, staged or {})))


def reports_to_write(settings: Settings, con, ids: list[int], staged: dict) -> list[tuple]:
    """(submission id, (report, folder, stem)) for each decided file whose report is not
    written yet, read from the ledger in a few queries."""
    rows = ledger.rows(con, ids)
    todo = [
        i for i in ids if not (rows[i]["report_path"] and Path(rows[i]["report_path"]).exists())
    ]
    if not todo:
        return []
    contracts = contracts_of(settings)
    names = reference.unit_names(settings.seeds_dir)
    problems = problems_of(con, todo, settings.report_problem_cap, COMPARED_RULES)
    accepted = {i for i in todo if rows[i]["status"] == ledger.STATUS_LOADED}
    replaces = ledger.replaced_submissions(con, sorted(accepted), contracts) if accepted else {}
    jobs = []
    for submission_id in todo:
        row = rows[submission_id]
        shown, counts, compared = problems.get(submission_id, ([], None, 0))
        report = build_report(
            submission_id=submission_id,
            unit_code=row["unit_code"],
            unit_name=names.get(row["unit_code"], row["unit_code"]),
            file_name=row["file_name"],
            accepted=submission_id in accepted,
            sheets=(staged.get(submission_id) or {}).get("sheets") or {},
            template_titles={n: c.title_zh for n, c in contracts.items()},
            rows=row["rows_parsed"] or 0,
            problems=shown,
            counts=counts,
            decided_at=str(row["decided_at"]),
            cap=settings.report_problem_cap,
            replaces=replaces.get(submission_id, []),
            compared=compared,
        )
        stem = report_stem(submission_id, row["file_name"], submission_id in accepted)
        jobs.append((submission_id, (report, settings.outbox / row["unit_code"], stem)))
    return jobs


def write_answers(jobs: list[tuple], workers: int = 1) -> dict[int, Path | str]:
    """Each job's report path, or why it could not be written."""
    paths = write_reports([job for _, job in jobs], workers)
    return {submission_id: path for (submission_id, _), path in zip(jobs, paths, strict=True)}


def file_away(con, ids: list[int], written: dict[int, Path | str]) -> None:
    """Record the reports written, then move each decided file where its ledger row says. A
    file whose report could not be written stays in the inbox, decided: the next run writes
    its report and files it (``discover``), and no other file waits for it."""
    failed = {i: reason for i, reason in written.items() if isinstance(reason, str)}
    for submission_id, path in written.items():
        if submission_id not in failed:
            ledger.update(con, submission_id, report_path=str(path))
    rows = ledger.rows(con, ids)
    for submission_id in ids:
        row = rows[submission_id]
        if submission_id in failed:
            log.error(
                "report of submission %s (%s) not written, the file waits in the inbox: %s",
                submission_id,
                row["unit_code"],
                failed[submission_id],
            )
            continue
        filing.move(text_path(row["inbox_path"]), Path(row["stored_path"]))


_REPORT_ORDER = "severity, sheet, row_number, column_header, rule, message_zh"


def problems_of(
    con, ids: list[int], cap: int, compared_rules: frozenset[str] = frozenset()
) -> dict[int, tuple[list[dict], tuple, int]]:
    """Per submission: its first ``cap`` problems in report order (errors first, then by
    sheet, row and column), its (errors, warnings, problems) counted over all of them, and
    how many of its errors come from ``compared_rules``. A report lists at most ``cap``: the
    rest is never read (130k rows at S=10)."""
    counts, compared = {}, {}
    for submission_id, errors, warnings, total, from_compared in con.execute(
        """select submission_id, count(*) filter (where severity = 'E'),
                  count(*) filter (where severity = 'W'), count(*),
                  count(*) filter (where severity = 'E' and rule in (select unnest(?)))
           from audit.validation_results where submission_id in (select unnest(?))
           group by submission_id""",
        [sorted(compared_rules), ids],
    ).fetchall():
        counts[int(submission_id)] = (errors, warnings, total)
        compared[int(submission_id)] = from_compared
    cur = con.execute(
        f"""select submission_id, severity, rule, source, sheet, row_number as row,
                  column_header as column, value, message_zh, fix_zh
           from audit.validation_results where submission_id in (select unnest(?))
           qualify row_number() over (partition by submission_id order by {_REPORT_ORDER}) <= ?
           order by submission_id, {_REPORT_ORDER}""",
        [ids, cap],
    )
    names = [d[0] for d in cur.description][1:]
    found: dict[int, list[dict]] = {}
    for submission_id, *values in cur.fetchall():
        found.setdefault(int(submission_id), []).append(dict(zip(names, values, strict=True)))
    return {i: (found.get(i, []), counts[i], compared[i]) for i in counts}
