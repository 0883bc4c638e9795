"""bench/common.py: a run appends its records to the history and replaces its own section of
RESULTS.md, keeping the other benchmark's latest run; the history committed parses."""

import json
from pathlib import Path

from bench.common import HISTORY, append_results

NIGHT_KEYS = {"date", "machine", "versions", "scale", "mode", "night", "wall_s", "cpu_s"}


def test_a_run_replaces_its_section_and_appends_its_records(tmp_path: Path):
    results, history = tmp_path / "RESULTS.md", tmp_path / "history.jsonl"
    paths = {"results": results, "history": history}
    append_results("night", "Night", ["| a | 1 |"], [{"night": "a", "wall_s": 1.0}], **paths)
    append_results("readers", "Readers", ["| r | 2 |"], [{"case": "r"}], **paths)
    append_results("night", "Night", ["| a | 3 |"], [{"night": "a", "wall_s": 3.0}], **paths)
    text = results.read_text("utf-8")
    assert text.startswith("# Benchmark results: the latest run")
    assert "| a | 3 |" in text and "| a | 1 |" not in text
    assert "| r | 2 |" in text
    assert text.count("## Night") == 1 and text.count("## Readers") == 1
    lines = [json.loads(line) for line in history.read_text("utf-8").splitlines()]
    assert [r.get("wall_s") for r in lines] == [1.0, None, 3.0]


def test_the_committed_history_parses():
    records = [json.loads(line) for line in HISTORY.read_text("utf-8").splitlines()]
    nights = [r for r in records if r["bench"] == "night"]
    assert nights and all(set(r) >= NIGHT_KEYS for r in nights)
    assert all("stages" in r for r in nights)
