"""What every benchmark records: the machine, the date, the versions; the latest run in
RESULTS.md and every run in history.jsonl.

``record_run`` does both: it appends one JSON object per measurement (a night, a floor, a
reader case) to ``history.jsonl`` and rewrites that benchmark's section of ``RESULTS.md``
with the run just made; the other benchmark's section (the latest run of it) stays.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
HISTORY = HERE / "history.jsonl"
PACKAGES = (
    "apache-airflow",
    "dbt-core",
    "dbt-duckdb",
    "duckdb",
    "great-expectations",
    "pandas",
    "pyarrow",
    "python-calamine",
    "openpyxl",
    "fastexcel",
)
RESULTS_HEADER = (
    "# Benchmark results: the latest run\n\n"
    "Rewritten by the scripts in `bench/` (see bench/README.md): the latest run of each\n"
    "benchmark. Every run measured is a line of `history.jsonl`; the text of the runs until\n"
    "2026-12 is kept in `history-until-2026-12.md`.\n"
)


def machine() -> dict:
    """The machine a run measured: host, CPU model, CPUs, memory, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory_gib = round(mem_kb / 2**20)
    except (OSError, StopIteration):
        memory_gib = None
    return {
        "host": platform.node(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
    }


def versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except Exception:
            continue
    return found


def now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def machine_line(info: dict | None = None, when: dt.datetime | None = None) -> str:
    info = info or machine()
    when = when or now()
    memory = f"{info['memory_gib']} GiB" if info.get("memory_gib") is not None else "?"
    return (
        f"Machine: {info['host']} · {info['cpu']} · {info['cpus']} CPUs · {memory} RAM · "
        f"Python {info['python']} · {when:%Y-%m-%d %H:%M %Z}"
    )


def versions_line(found: dict[str, str] | None = None) -> str:
    found = versions() if found is None else found
    return "Versions: " + ", ".join(f"{name} {v}" for name, v in found.items())


def append_history(records: list[dict], path: Path = HISTORY) -> None:
    """One JSON object a line, appended: what a later run compares with."""
    with path.open("a", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")


def write_latest(bench: str, title: str, lines: list[str], path: Path = RESULTS) -> None:
    """Rewrite ``bench``'s section of RESULTS.md with ``lines`` (the run just made), keeping
    the other benchmarks' sections as they are."""
    begin, end = f"<!-- bench:{bench} -->", f"<!-- /bench:{bench} -->"
    section = f"{begin}\n## {title}\n\n" + "\n".join(lines).rstrip() + f"\n{end}\n"
    sections = []
    if path.exists():
        text = path.read_text("utf-8")
        sections = [
            m.group(0).rstrip() + "\n"
            for m in re.finditer(
                r"<!-- bench:(?P<name>[\w-]+) -->.*?<!-- /bench:(?P=name) -->", text, re.S
            )
            if m.group("name") != bench
        ]
    sections.append(section)
    path.write_text(RESULTS_HEADER + "".join(f"\n{s}" for s in sections), encoding="utf-8")


def append_results(
    bench: str,
    title: str,
    lines: list[str],
    records: list[dict],
    *,
    results: Path = RESULTS,
    history: Path = HISTORY,
) -> None:
    """Record a run: ``records`` appended to history.jsonl, ``lines`` as the latest run of
    ``bench`` in RESULTS.md."""
    append_history(records, history)
    write_latest(bench, title, lines, results)
