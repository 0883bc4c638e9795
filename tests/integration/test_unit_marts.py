"""The unit marts are dbt models, one per unit of the units seed: real dbt on a copy of the
project. A unit without a model, a model without a unit or without a description fails the
build; every unit's schema holds the five marts as views."""

from __future__ import annotations

import csv
import shutil
from dataclasses import replace

import duckdb
import pytest

from incubation.settings import Settings
from incubation.store import ledger
from incubation.store.warehouse import DbtBuildFailed, run_dbt
from tests.helpers import UNIT_MARTS

pytestmark = pytest.mark.integration
MARTS = UNIT_MARTS


@pytest.fixture
def project_copy(tmp_path, project_settings) -> Settings:
    """Settings on a fresh data home whose dbt project is a copy the test may edit."""
    root = tmp_path / "root"
    shutil.copytree(
        project_settings.dbt_project_dir,
        root / "dbt_project",
        ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"),
    )
    return replace(Settings.from_env(tmp_path / "home"), project_root=root)


def seed_units(settings: Settings) -> list[str]:
    with (settings.seeds_dir / "units.csv").open(encoding="utf-8", newline="") as fh:
        return [row["unit_code"] for row in csv.DictReader(fh)]


def test_a_unit_without_its_model_fails_the_build(project_copy):
    by_unit = project_copy.dbt_project_dir / "models" / "marts" / "units" / "by_unit"
    (by_unit / "mart_finance_office.sql").unlink()
    (by_unit / "mart_no_such_unit.sql").write_text("{{ unit_mart('no_such_unit') }}\n")
    with pytest.raises(DbtBuildFailed) as failed:
        run_dbt(project_copy, "build", "--select", "+unit_marts_match_units_seed")
    # the missing model, and the model without a unit that has no description either
    assert "unit_marts_match_units_seed" in str(failed.value)
    assert "Got 3 results" in str(failed.value)


def test_every_unit_of_the_seed_gets_its_schema_of_views(project_copy, contracts):
    project_copy.ensure_dirs()
    with ledger.connect(project_copy.build_db, contracts):  # raw and audit, empty
        pass
    run_dbt(project_copy, "build")
    con = duckdb.connect(str(project_copy.build_db), read_only=True)
    try:
        found = con.execute(
            "select schema_name, view_name from duckdb_views() "
            "where schema_name like 'mart\\_%' escape '\\'"
        ).fetchall()
        tasks = con.execute("select count(*) from mart_finance_office.tasks").fetchone()[0]
    finally:
        con.close()
    views: dict[str, set[str]] = {}
    for schema, view in found:
        views.setdefault(schema, set()).add(view)
    assert views == {f"mart_{unit}": MARTS for unit in seed_units(project_copy)}
    with (project_copy.seeds_dir / "plan_task_units.csv").open(encoding="utf-8") as fh:
        want = {r["task_code"] for r in csv.DictReader(fh) if r["unit_code"] == "finance_office"}
    assert tasks == len(want) and want
