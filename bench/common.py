"""What every benchmark records: the machine, the date, the versions, and RESULTS.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
from importlib.metadata import version
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
PACKAGES = (
    "apache-airflow",
    "dbt-core",
    "dbt-duckdb",
    "duckdb",
    "great-expectations",
    "pandas",
    "python-calamine",
    "openpyxl",
    "fastexcel",
)


def machine_line() -> str:
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
        memory = f"{mem_kb / 2**20:.0f} GiB"
    except (OSError, StopIteration):
        memory = "?"
    return (
        f"Machine: {platform.node()} · {cpu} · {os.cpu_count()} CPUs · {memory} RAM · "
        f"Python {platform.python_version()} · {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    )


def versions_line() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {version(name)}")
        except Exception:
            continue
    return "Versions: " + ", ".join(found)


def append_results(title: str, lines: list[str]) -> None:
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Benchmark results\n\nAppended by the scripts in `bench/` (see bench/README.md); "
            "newest last.\n",
            encoding="utf-8",
        )
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(f"\n## {title}\n\n" + "\n".join(lines) + "\n")
