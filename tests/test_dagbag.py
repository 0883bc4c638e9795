"""Every DAG imports with no errors, and parsing it does no heavy import."""

import subprocess
import sys
from pathlib import Path

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
    assert set(bag.dags) == {"incubation_nightly", "incubation_maintenance", "incubation_reports"}
    reports = bag.dags["incubation_reports"]
    (outlet,) = dag.get_task("publish").outlets
    assert [(a.name, a.uri) for a in reports.timetable.asset_condition.objects] == [
        (outlet.name, outlet.uri)
    ]
    assert str(dag.timetable.timezone) in ("Asia/Shanghai", "Timezone('Asia/Shanghai')")


def test_parsing_the_dag_file_imports_nothing_heavy():
    code = (
        "import runpy, sys; runpy.run_path(sys.argv[1]);"
        "heavy = [m for m in ('great_expectations', 'dbt', 'duckdb', 'pandas', 'incubation')"
        " if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(DAGS / "incubation_nightly.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1:] in ([], [""])


def test_domain_package_lives_outside_the_plugins_folder():
    import incubation

    root = Path(__file__).resolve().parents[1]
    package = Path(incubation.__file__).resolve().parent
    assert package == root / "src" / "incubation"
    assert not (root / "plugins" / "incubation").exists()
