"""Every DAG imports with no errors, and parsing it does no heavy import."""

import subprocess
import sys
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[1] / "dags"


def test_dagbag_imports_without_errors():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    dag = bag.dags.get("incubation_nightly")
    assert dag is not None
    assert [t.task_id for t in dag.topological_sort()] == [
        "check",
        "load",
        "build_warehouse",
        "publish",
    ]
    assert dag.max_active_runs == 1 and dag.catchup is False
    assert dag.doc_md and "incubation_nightly" in dag.doc_md
    assert dag.timetable.expression == "0 2 * * *"
    assert set(bag.dags) == {
        "incubation_nightly",
        "incubation_daytime",
        "incubation_maintenance",
        "incubation_reports",
    }
    daytime = bag.dags["incubation_daytime"]
    assert [t.task_id for t in daytime.topological_sort()] == [
        "check",
        "load",
        "build_warehouse",
        "publish",
    ]
    assert daytime.max_active_runs == 1 and daytime.catchup is False
    assert "daytime" in daytime.tags and "nightly" in dag.tags
    assert daytime.doc_md and "incubation_daytime" in daytime.doc_md
    assert [t.expression for t in daytime.timetable.timetables] == [
        "30,35,40,45,50,55 8 * * 1-5",
        "*/5 9-17 * * 1-5",
        "0 18 * * 1-5",
    ]
    assert daytime.get_task("publish").outlets == dag.get_task("publish").outlets
    reports = bag.dags["incubation_reports"]
    (outlet,) = dag.get_task("publish").outlets
    assert [(a.name, a.uri) for a in reports.timetable.asset_condition.objects] == [
        (outlet.name, outlet.uri)
    ]
    assert str(dag.timetable.timezone) in ("Asia/Shanghai", "Timezone('Asia/Shanghai')")


# what a DAG file may import of the domain package when parsed: its settings and assets
PARSE_TIME = {
    "incubation",
    "incubation.settings",
    "incubation.assets",
    "incubation.office_hours",
}


@pytest.mark.parametrize("dag_file", sorted(p.name for p in DAGS.glob("*.py")))
def test_parsing_the_dag_file_imports_nothing_heavy(dag_file):
    code = (
        "import runpy, sys; runpy.run_path(sys.argv[1]);"
        "heavy = [m for m in sys.modules if m.split('.')[0] in"
        " ('great_expectations', 'dbt', 'duckdb', 'pandas', 'incubation')];"
        " print(','.join(sorted(heavy)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(DAGS / dag_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = out.stdout.strip().splitlines()[-1:]
    imported = set(lines[0].split(",")) - {""} if lines else set()
    assert imported <= PARSE_TIME, imported - PARSE_TIME


def test_both_dags_use_the_one_warehouse_asset():
    from incubation.assets import WAREHOUSE

    assert (WAREHOUSE.name, WAREHOUSE.uri) == (
        "incubation_warehouse",
        "file:///incubation/warehouse/incubation.duckdb",
    )
    for path in DAGS.glob("*.py"):
        assert "Asset(" not in path.read_text("utf-8"), path.name
        assert "os.environ" not in path.read_text("utf-8"), path.name
        assert "Asia/Shanghai" not in path.read_text("utf-8").split('"""', 2)[2], path.name


def test_domain_package_lives_outside_the_plugins_folder():
    import incubation

    root = Path(__file__).resolve().parents[1]
    package = Path(incubation.__file__).resolve().parent
    assert package == root / "src" / "incubation"
    assert not (root / "plugins" / "incubation").exists()


def test_a_daytime_setting_no_schedule_can_keep_leaves_the_night_alone(tmp_path):
    """INCUBATION_OFFICE_HOURS written backwards: the daytime DAG is unscheduled (and says why
    in the log), the nightly DAG parses as ever."""
    import os

    code = (
        "from airflow.dag_processing.dagbag import DagBag; import sys;"
        "bag = DagBag(dag_folder=sys.argv[1]);"
        "print(sorted(bag.import_errors), bag.dags['incubation_nightly'].timetable.expression,"
        " bag.dags['incubation_daytime'].timetable.__class__.__name__)"
    )
    env = {**os.environ, "INCUBATION_OFFICE_HOURS": "18:00-08:30"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(DAGS)], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[] 0 2 * * * NullTimetable"
    assert "incubation_daytime not scheduled" in out.stdout + out.stderr
