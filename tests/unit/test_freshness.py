"""When a night may skip the build: same ledger, same project, no recognition boundary."""

import datetime as dt
import shutil
from dataclasses import replace

from incubation.settings import PROJECT_ROOT, Settings
from incubation.store import freshness, ledger

TODAY = dt.date(2026, 3, 10)


def project_copy(tmp_path) -> Settings:
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "include" / "contracts", root / "include" / "contracts")
    for part in ("models", "macros", "seeds", "snapshots", "tests"):
        shutil.copytree(PROJECT_ROOT / "dbt_project" / part, root / "dbt_project" / part)
    shutil.copy(PROJECT_ROOT / "dbt_project" / "dbt_project.yml", root / "dbt_project")
    settings = replace(Settings.from_env(tmp_path / "home"), project_root=root)
    settings.ensure_dirs()
    return settings


def built(settings, contracts, today=TODAY):
    with ledger.connect(settings.build_db, contracts):
        pass
    settings.warehouse_db.write_bytes(b"published")
    freshness.record_build(settings, today)


def test_no_record_means_build(tmp_path):
    settings = project_copy(tmp_path)
    assert freshness.is_current(settings, TODAY) == (False, "no record of a published build")


def test_current_until_the_ledger_changes(tmp_path, contracts):
    settings = project_copy(tmp_path)
    built(settings, contracts)
    assert freshness.is_current(settings, TODAY)[0]
    with ledger.connect(settings.build_db) as con:
        ledger.register(
            con,
            sha256="x",
            unit_code="sci_tech_bureau",
            path=tmp_path / "f.xlsx",
            size=1,
            mtime=0,
            run_id="r",
            status="received",
        )
    assert freshness.is_current(settings, TODAY) == (
        False,
        "the ledger changed since the last build",
    )


def test_current_until_a_model_or_contract_changes(tmp_path, contracts):
    settings = project_copy(tmp_path)
    built(settings, contracts)
    model = next((settings.dbt_project_dir / "models").rglob("*.sql"))
    model.write_text(model.read_text("utf-8") + "\n-- changed\n", "utf-8")
    assert not freshness.is_current(settings, TODAY)[0]
    built(settings, contracts)
    contract = settings.contracts_dir / "carrier_registry.yaml"
    contract.write_text(contract.read_text("utf-8") + "\n# changed\n", "utf-8")
    assert not freshness.is_current(settings, TODAY)[0]


def test_a_recognition_starting_or_lapsing_since_the_build_means_build(tmp_path, contracts):
    settings = project_copy(tmp_path)
    built(settings, contracts, today=dt.date(2026, 3, 1))
    assert freshness.is_current(settings, TODAY)[0]  # no recognitions at all
    with ledger.connect(settings.build_db) as con:
        con.execute(
            "insert into raw.carrier_recognition (submission_id, loaded_at, carrier_id,"
            " recognized_date, valid_until) values (1, now(), 'YZ-FH-0001', ?, ?)",
            [dt.date(2020, 1, 1), dt.date(2026, 3, 5)],
        )
    freshness.record_build(settings, dt.date(2026, 3, 1))  # the same ledger as this build
    reason = freshness.is_current(settings, TODAY)
    assert reason == (False, "a recognition starts or lapses between 2026-03-01 and 2026-03-10")
    assert freshness.is_current(settings, dt.date(2026, 3, 4))[0]  # still in force on the 4th
