"""Receipts and rejection reports for department contacts, Chinese first.

Each report is written twice into ``outbox/<unit>/``: an .xlsx the contact opens (a summary
sheet and a problems sheet, one line per problem) and the same content as JSON for machines.
Text that Excel would read as a formula (= + - @) is always written as text.
"""

from __future__ import annotations

import json
from pathlib import Path

from incubation.checks.problems import SEVERITY_ZH
from incubation.checks.workers import fork_pool
from incubation.intake.names import fit

PROBLEM_COLUMNS = [
    ("severity", "级别"),
    ("sheet", "工作表"),
    ("row", "行号"),
    ("column", "列（表头）"),
    ("value", "填写的值"),
    ("message_zh", "问题"),
    ("fix_zh", "修改建议"),
]


REPORT_SUFFIXES = ".xlsx.tmp"  # the longest a report's stem is written with


ACCEPTED_NEXT_ZH = (
    "数据已导入，本次处理结束时（通常在数分钟内）即发布到数据仓库，本单位的进度报告随后在本文件夹"
    "更新。如有警告，请核实；需要更正的，修改后重新提交整份文件即可替代本次数据。"
)
REJECTED_NEXT_ZH = "文件未导入。请按“问题清单”逐条修改全部错误后，重新放入收件箱。"
COMPARED_ZH = (
    "其中 {count} 项错误是与已接收数据的比对结果（如载体是否已报送基本信息表、与上一季度数据是否"
    "衔接），依据的是本文件核验时已接收的全部数据：如相关文件尚未报送，请先报送，收到其回执后再"
    "重新提交本文件。"
)


def report_stem(submission_id: int, file_name: str, accepted: bool) -> str:
    return named_report(f"{submission_id:06d}_", file_name, "回执" if accepted else "退回报告")


def named_report(prefix: str, file_name: str, kind: str) -> str:
    """A report's stem (``write_report`` adds .json and .xlsx): the prefix, the file's name
    without its extension, and the kind of report, within a name's length."""
    return fit(prefix, file_name, f"_{kind}", extension=False, reserve=len(REPORT_SUFFIXES))


def build_report(
    *,
    submission_id: int,
    unit_code: str,
    unit_name: str,
    file_name: str,
    accepted: bool,
    sheets: dict[str, str],
    template_titles: dict[str, str],
    rows: int,
    problems: list[dict],
    decided_at: str,
    cap: int,
    note_zh: str = "",
    replaces: list[dict] | None = None,
    counts: tuple[int, int, int] | None = None,
    compared: int = 0,
) -> dict:
    """The report of a decided file; ``counts`` (errors, warnings, problems) when
    ``problems`` are the first of more (a report lists at most ``cap``). ``compared``: how
    many of its errors compare the file with what was accepted before it (the context rules
    that read other files); a rejection says so, judged as of its check."""
    errors, warnings, total = counts or (
        sum(1 for p in problems if p["severity"] == "E"),
        sum(1 for p in problems if p["severity"] == "W"),
        len(problems),
    )
    if accepted:
        verdict = "已接收"
        next_step = ACCEPTED_NEXT_ZH
    else:
        verdict = "已退回"
        next_step = REJECTED_NEXT_ZH
        if compared:
            next_step += COMPARED_ZH.format(count=compared)
    return {
        "submission_id": submission_id,
        "unit_code": unit_code,
        "unit_name_zh": unit_name,
        "file_name": file_name,
        "verdict_zh": verdict,
        "accepted": accepted,
        "decided_at": decided_at,
        "sheets": [
            {"sheet": s, "template": t, "template_zh": template_titles.get(t, t)}
            for s, t in sheets.items()
        ],
        "rows": rows,
        "errors": errors,
        "warnings": warnings,
        "problems_total": total,
        "problems_shown": min(len(problems), cap),
        "next_step_zh": note_zh or next_step,
        "replaces": replaces or [],
        "problems": problems[:cap],
    }


# below this many reports, forking the writers costs more than it saves
PARALLEL_FROM = 16


def write_reports(jobs: list[tuple[dict, Path, str]], workers: int = 1) -> list[Path | str]:
    """Write many reports, each job (report, folder, stem) as ``write_report``; in forked
    processes when there are enough. The paths come back in the jobs' order; a report that
    could not be written (its unit's outbox unwritable, the disk full) gives the reason
    instead, and the others are written all the same."""
    if workers < 2 or len(jobs) < PARALLEL_FROM:
        return [_write_job(job) for job in jobs]
    import xlsxwriter  # noqa: F401  once, before the fork

    with fork_pool(workers) as pool:
        chunk = max(1, len(jobs) // (4 * workers))
        return list(pool.map(_write_job, jobs, chunksize=chunk))


def _write_job(job: tuple[dict, Path, str]) -> Path | str:
    try:
        return write_report(*job)
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"


def write_report(report: dict, folder: Path, stem: str) -> Path:
    import xlsxwriter

    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / f"{stem}.json"
    # one line: json's C encoder (with ``indent`` it falls back to the much slower Python one)
    json_path.write_text(json.dumps(report, ensure_ascii=False, default=str), "utf-8")
    xlsx_path = folder / f"{stem}.xlsx"
    tmp = xlsx_path.with_suffix(".xlsx.tmp")
    # in memory: a report is at most ``cap`` rows, and xlsxwriter's temporary files on disk
    # were a good part of its time
    workbook = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "in_memory": True})
    bold = workbook.add_format({"bold": True})
    summary = workbook.add_worksheet("结果摘要")
    lines = [
        ("文件", report["file_name"]),
        ("报送单位", f"{report['unit_name_zh']}（{report['unit_code']}）"),
        ("提交编号", report["submission_id"]),
        ("处理结果", report["verdict_zh"]),
        ("处理时间", report["decided_at"]),
        (
            "工作表及模板",
            "；".join(f"{s['sheet']}：{s['template_zh']}" for s in report["sheets"]) or "—",
        ),
        ("数据行数", report["rows"]),
        ("错误数", report["errors"]),
        ("警告数", report["warnings"]),
        ("问题总数", report["problems_total"]),
        ("本报告列出", report["problems_shown"]),
        ("下一步", report["next_step_zh"]),
        (
            "替代的早前提交",
            "；".join(f"第 {r['submission_id']} 号（{r['file_name']}）" for r in report["replaces"])
            or "—",
        ),
    ]
    summary.set_column(0, 0, 14)
    summary.set_column(1, 1, 80)
    for i, (label, value) in enumerate(lines):
        summary.write_string(i, 0, label, bold)
        summary.write_string(i, 1, str(value))
    sheet = workbook.add_worksheet("问题清单")
    for j, (_key, title) in enumerate(PROBLEM_COLUMNS):
        sheet.write_string(0, j, title, bold)
    for i, problem in enumerate(report["problems"], start=1):
        for j, (key, _title) in enumerate(PROBLEM_COLUMNS):
            value = problem.get(key)
            if key == "severity":
                value = SEVERITY_ZH.get(value, value)
            if value is None:
                continue
            if isinstance(value, int):
                sheet.write_number(i, j, value)
            else:
                sheet.write_string(i, j, str(value))
    sheet.set_column(0, 3, 14)
    sheet.set_column(4, 6, 40)
    sheet.freeze_panes(1, 0)
    workbook.close()
    tmp.replace(xlsx_path)
    return xlsx_path
