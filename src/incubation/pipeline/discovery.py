"""Discovering the night's files: every settled new file registered in the ledger once."""

from __future__ import annotations

import logging
from pathlib import Path

from incubation.answers.receipts import (
    build_report,
    named_report,
    write_report,
)
from incubation.checks import reference
from incubation.intake.inbox import scan_inbox
from incubation.intake.names import display_name, path_text, text_path
from incubation.pipeline.answering import file_decided
from incubation.pipeline.common import contracts_of, timestamp
from incubation.pipeline.locking import one_at_a_time
from incubation.pipeline.metering import metered
from incubation.settings import Settings
from incubation.store import filing, ledger

log = logging.getLogger(__name__)


@one_at_a_time
@metered("discover")
def discover(settings: Settings, run_id: str, now: float | None = None) -> list[dict]:
    """Register every settled new file in the ledger; return the ones to check."""
    settings.ensure_dirs()
    units = reference.unit_codes(settings.seeds_dir)
    found, misplaced = scan_inbox(settings.inbox, units, settings.settle_seconds, now)
    for path, reason, unit in misplaced:
        try:
            _refuse_misplaced(settings, path, reason, unit)
        except OSError as exc:  # its quarantine or outbox unwritable: it waits, no one else
            log.error("%s not refused yet, it waits: %s", path_text(path), exc)
    to_check = []
    taken: set[tuple[str, str]] = set()  # (unit, sha256) registered by this run
    contracts = contracts_of(settings)
    with ledger.connect(settings.build_db, contracts, settings.storage_version) as con:
        for item in found:
            path = Path(item.path)
            if (item.unit_code, item.sha256) in taken:
                # the same bytes twice in one unit's folder tonight: one submission is
                # checked; the copy waits, and is a duplicate of it next night
                log.info("%s: same bytes as another file of tonight, waits", path_text(path))
                continue
            taken.add((item.unit_code, item.sha256))
            seen = ledger.find_by_sha(con, item.sha256, item.unit_code)
            if seen and seen[1] in ledger.FINAL_STATUSES:
                previous = ledger.get(con, seen[0])
                stored = previous["stored_path"]
                if (
                    previous["inbox_path"] == path_text(path)
                    and stored
                    and not Path(stored).exists()
                ):
                    # a run stopped between deciding the file and filing it: finish the job
                    file_decided(settings, con, [seen[0]])
                    continue
                if seen[1] == ledger.STATUS_LOADED and ledger.superseded(con, seen[0], contracts):
                    # earlier bytes sent again after others replaced them: current again
                    seen = None
                else:
                    dup_id = _register(con, item, run_id, ledger.STATUS_DUPLICATE, seen[0])
                    try:
                        _file_duplicate(settings, con, dup_id, previous)
                    except OSError as exc:  # its unit's outbox unwritable: no one else waits
                        log.error("duplicate %s not answered yet: %s", dup_id, exc)
                    continue
            if seen:  # received by a run that did not finish: take it up again
                submission_id = seen[0]
                ledger.update(con, submission_id, run_id=run_id, inbox_path=path_text(path))
            else:
                submission_id = _register(con, item, run_id, ledger.STATUS_RECEIVED)
            to_check.append({"submission_id": submission_id, **item.to_dict()})
    log.info("discovered %d new file(s), %d misplaced", len(to_check), len(misplaced))
    return to_check


def _register(con, item, run_id: str, status: str, duplicate_of: int | None = None) -> int:
    return ledger.register(
        con,
        sha256=item.sha256,
        unit_code=item.unit_code,
        path=Path(item.path),
        size=item.size,
        mtime=item.mtime,
        run_id=run_id,
        status=status,
        duplicate_of=duplicate_of,
    )


def _refuse_misplaced(settings: Settings, path: Path, reason: str, unit: str | None) -> None:
    """An entry refused before it is read (outside any unit folder, or a link): moved, never
    followed, to quarantine with a report beside the unit's other answers."""
    decided = timestamp()
    target = filing.move(path, filing.unknown_path(settings, path.name, decided, unit))
    names = reference.unit_names(settings.seeds_dir)
    report = build_report(
        submission_id=0,
        unit_code=unit or "_unknown",
        unit_name=names.get(unit, "未知单位"),
        file_name=display_name(path.name),
        accepted=False,
        sheets={},
        template_titles={},
        rows=0,
        problems=[
            {
                "severity": "E",
                "rule": "misplaced_file",
                "message_zh": reason,
                "fix_zh": "请将文件放入本单位的收件箱文件夹 inbox/<单位代码>/ 后重新提交",
                "value": display_name(str(path.relative_to(settings.inbox))),
            }
        ],
        decided_at=decided.isoformat(),
        cap=settings.report_problem_cap,
    )
    write_report(
        report, settings.outbox / (unit or "_unknown"), named_report("", target.name, "退回报告")
    )
    log.warning("misplaced file %s quarantined: %s", path_text(path), reason)


def _file_duplicate(settings: Settings, con, dup_id: int, previous: dict) -> None:
    row = ledger.get(con, dup_id)
    target = filing.move(
        text_path(row["inbox_path"]),
        filing.duplicate_path(settings, row["unit_code"], dup_id, row["file_name"]),
    )
    names = reference.unit_names(settings.seeds_dir)
    report = build_report(
        submission_id=dup_id,
        unit_code=row["unit_code"],
        unit_name=names.get(row["unit_code"], row["unit_code"]),
        file_name=row["file_name"],
        accepted=previous["status"] == ledger.STATUS_LOADED,
        sheets={},
        template_titles={},
        rows=0,
        problems=[],
        decided_at=timestamp().isoformat(),
        cap=settings.report_problem_cap,
        note_zh=(
            f"与第 {previous['submission_id']} 号提交（{previous['file_name']}）内容完全相同，"
            "本次未重复导入，原处理结果不变。"
        ),
    )
    path = write_report(
        report,
        settings.outbox / row["unit_code"],
        named_report(f"{dup_id:06d}_", row["file_name"], "重复提交"),
    )
    ledger.update(
        con, dup_id, stored_path=str(target), report_path=str(path), decided_at=timestamp()
    )
