"""The documents stay what their readers need: README's two commands, no figures or history
in README or the DAGs' doc_md, links that resolve, and every required and expected column of
the contracts in the contacts' file-format guide."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HISTORY = re.compile(r"[Ss]ession \d|RESULTS\.md|tried and taken back")


def test_readme_keeps_the_two_commands():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "make demo   #" in readme and "make test   #" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")


def test_no_history_in_readme_docs_or_dags():
    docs = [
        ROOT / "README.md",
        *sorted((ROOT / "docs").glob("*.md")),
        *(ROOT / "dags").glob("*.py"),
    ]
    for path in docs:
        text = path.read_text("utf-8")
        assert not HISTORY.search(text), path
        assert "../shared" not in text, path


def test_links_resolve():
    for path in [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), ROOT / "bench" / "README.md"]:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", path.read_text("utf-8")):
            if "://" in target:
                continue
            assert (path.parent / target).exists(), f"{path.name}: {target}"


def test_file_formats_name_every_required_and_expected_column():
    guide = (ROOT / "docs" / "file-formats.md").read_text("utf-8")
    for contract in sorted((ROOT / "include" / "contracts").glob("[!_]*.yaml")):
        spec = yaml.safe_load(contract.read_text("utf-8"))
        assert spec["title_zh"] in guide
        for column in spec["columns"]:
            if column.get("required") or column.get("expected"):
                assert f"| {column['header']}" in guide, (spec["name"], column["header"])
