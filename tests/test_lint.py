"""The code base stays lint-clean: ruff (Python) and sqlfluff with the dbt templater (SQL)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*args, env=None):
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env=env)


def test_ruff_check_and_format():
    check = run(str(BIN / "ruff"), "check", ".")
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = run(str(BIN / "ruff"), "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_sqlfluff_dbt_models(tmp_path):
    env = {**os.environ, "INCUBATION_BUILD_DB": str(tmp_path / "lint.duckdb")}
    lint = run(str(BIN / "sqlfluff"), "lint", "dbt_project/models", "dbt_project/tests", env=env)
    assert lint.returncode == 0, lint.stdout[-3000:] + lint.stderr[-2000:]
