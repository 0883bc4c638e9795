"""Every package the code imports is declared where it is used, and the two locks agree.

- src/ and dags/ run in production: their third-party imports are runtime dependencies
  (``[project] dependencies`` in pyproject.toml, pinned in requirements.lock).
- tests/ and bench/ run on a developer's machine and in CI: their imports are runtime or
  ``dev`` dependencies (pinned in requirements-dev.lock).
- requirements.lock (what the Docker image installs) holds no development-only package, and
  pins every package at the version requirements-dev.lock pins it.

Import names are mapped to distributions by ``importlib.metadata.packages_distributions()``
(``yaml`` → PyYAML, ``stdnum`` → python-stdnum), so the test reads the environment it runs in.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

import pytest

from tests.helpers import canonical, pins

ROOT = Path(__file__).resolve().parents[1]
FIRST_PARTY = {"incubation", "bench", "tests"}
DEV_ONLY = {"pytest", "ruff", "hypothesis", "sqlfluff", "sqlfluff-templater-dbt"}


def requirement_name(spec: str) -> str:
    return canonical(re.split(r"[\s<>=!~;\[(]", spec.strip(), maxsplit=1)[0])


def declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    runtime = {requirement_name(s) for s in project["dependencies"]}
    dev = {requirement_name(s) for s in project["optional-dependencies"]["dev"]}
    return runtime, dev


def top_level_imports(*folders: str) -> dict[str, set[str]]:
    """Absolute top-level imports of every .py file under ``folders``: name → files."""
    found: dict[str, set[str]] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text("utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in sys.stdlib_module_names or top in FIRST_PARTY:
                        continue
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def meta_parts(distribution: str) -> set[str]:
    """What a declared meta-distribution (one that installs no module of its own, such as
    apache-airflow 3, whose ``airflow`` package comes from apache-airflow-core and
    apache-airflow-task-sdk) stands for: its unconditional requirements."""
    try:
        files = md.files(distribution) or []
    except md.PackageNotFoundError:
        return set()
    if any(f.suffix == ".py" for f in files):
        return set()
    return {requirement_name(r) for r in md.requires(distribution) or [] if ";" not in r}


def undeclared(imports: dict[str, set[str]], allowed: set[str]) -> dict[str, list[str]]:
    providers = md.packages_distributions()
    allowed = allowed | {part for name in allowed for part in meta_parts(name)}
    missing = {}
    for name, files in sorted(imports.items()):
        distributions = {canonical(d) for d in providers.get(name, [])}
        if not distributions:
            missing[name] = [f"not installed; imported by {sorted(files)}"]
        elif not distributions & allowed:
            missing[name] = [f"from {sorted(distributions)}; imported by {sorted(files)}"]
    return missing


def test_runtime_code_imports_only_runtime_dependencies():
    runtime, _ = declared()
    imports = top_level_imports("src", "dags", "plugins")
    assert {"pandas", "duckdb", "airflow", "psutil"} <= set(imports)  # the walk found them
    assert undeclared(imports, runtime) == {}


def test_tests_and_bench_import_only_declared_dependencies():
    runtime, dev = declared()
    imports = top_level_imports("tests", "bench")
    assert {"pytest", "hypothesis"} <= set(imports)
    assert undeclared(imports, runtime | dev) == {}


def test_declared_runtime_dependencies_are_imported_or_needed():
    """No runtime dependency nothing uses (xlrd was one: calamine reads .xls). The DAGs' and
    the warehouse's engines are declared for what they run, not only for what is imported."""
    runtime, _ = declared()
    providers = md.packages_distributions()
    imported = {
        canonical(d)
        for name in top_level_imports("src", "dags", "plugins")
        for d in providers.get(name, [])
    }
    # the CLI, the adapter, the dashboard's chart script read from its package, Celery
    # pinned below the release its provider breaks on, and the storage of pandas' text
    run_not_imported = {"apache-airflow", "dbt-core", "dbt-duckdb", "plotly", "celery", "pyarrow"}
    assert runtime - imported - run_not_imported == set()


def lock_pins(lock: str) -> dict[str, str]:
    return pins((ROOT / lock).read_text("utf-8"))


def wanted_by(lock: str) -> dict[str, set[str]]:
    """What each package of a uv-compiled lock is there for (its ``# via`` lines)."""
    found: dict[str, set[str]] = {}
    package = None
    for line in (ROOT / lock).read_text("utf-8").splitlines():
        if m := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", line):
            package = canonical(m.group(1))
            found[package] = set()
        elif package and line.lstrip().startswith("#"):
            words = line.lstrip(" #").removeprefix("via").split()
            found[package].update(canonical(w) for w in words[:1])
    return found


def test_runtime_lock_has_no_development_package():
    """A package declared for development only is in the runtime lock only where a runtime
    package needs it anyway (the deployment test's OpenTelemetry decoder is Airflow's own),
    never for the project's sake."""
    runtime_lock = lock_pins("requirements.lock")
    assert "apache-airflow" in runtime_lock and "psutil" in runtime_lock
    assert DEV_ONLY & set(runtime_lock) == set()
    runtime, dev = declared()
    via = wanted_by("requirements.lock")
    assert "yuzhong-incubation" in via["psutil"]  # the walk reads what the project pins
    # the dev packages the runtime needs anyway, and which runtime package wants each
    wanted_anyway = {"opentelemetry-proto": "apache-airflow-core"}
    assert {n for n in dev - runtime if n in runtime_lock} == set(wanted_anyway)
    for name, wanted in wanted_anyway.items():
        assert wanted in via[name], name


def test_the_two_locks_pin_the_same_versions():
    runtime_lock, dev_lock = lock_pins("requirements.lock"), lock_pins("requirements-dev.lock")
    assert set(runtime_lock) <= set(dev_lock)
    assert {n: v for n, v in runtime_lock.items() if dev_lock[n] != v} == {}
    runtime, dev = declared()
    assert runtime <= set(runtime_lock)
    assert runtime | dev <= set(dev_lock)


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_locks_are_compiled_from_pyproject(lock):
    header = (ROOT / lock).read_text("utf-8").splitlines()[1]
    assert "uv pip compile pyproject.toml" in header and f"-o {lock}" in header
    assert ("--extra dev" in header) == (lock == "requirements-dev.lock")


def test_text_columns_are_arrow_backed():
    """With pyarrow installed, pandas stores the parsed text columns in Arrow, and the string
    checks on them are columnar (docs/decisions/0014). Without it they fall back to a Python
    call per cell: this fails first."""
    import numpy as np
    import pandas as pd

    from incubation.parsing.cells import typed_array

    parsed = np.array(["2026Q1", "2026Q5", None], dtype=object)  # as the readers give text
    column = pd.DataFrame({"period": typed_array(parsed, "text")})["period"]
    assert column.dtype.storage == "pyarrow"
    assert column.str.contains(r"^\d{4}Q[1-4]$").tolist() == [True, False, False]
