"""Building the warehouse with dbt and publishing it to the analysts and the units."""

from __future__ import annotations

import logging

from incubation.pipeline.common import contracts_of
from incubation.pipeline.locking import one_at_a_time
from incubation.pipeline.metering import metered
from incubation.settings import Settings
from incubation.store import freshness, ledger
from incubation.store.warehouse import export_unit_marts, release_dbt, run_dbt
from incubation.store.warehouse import publish as publish_warehouse

log = logging.getLogger(__name__)


@one_at_a_time
@metered("build")
def build(settings: Settings) -> dict:
    """One dbt build (seeds, snapshots, models, tests), then, when the project changed since
    they were made, the dbt docs of the warehouse into the data home (``dbt/target/index.html``)."""
    with ledger.connect(settings.build_db, contracts_of(settings)):
        pass  # raw and audit exist even on the very first night, before any file
    try:
        summary = run_dbt(settings, "build")
        summary["docs"] = str(settings.dbt_target / "index.html")
        # the docs (models, columns, descriptions) change with the project, not with the rows
        marker = settings.dbt_target / "docs_fingerprint.txt"
        fingerprint = freshness.project_fingerprint(settings)
        current = marker.exists() and marker.read_text("utf-8") == fingerprint
        if current and (settings.dbt_target / "catalog.json").exists():
            summary["docs_seconds"] = 0.0
            return summary
        # the build just wrote the manifest with every node compiled: the docs need only the
        # catalog (compiling the project again would be most of the docs run)
        docs = run_dbt(settings, "docs", "generate", "--no-compile", "--static")
        marker.write_text(fingerprint, "utf-8")
        summary["docs_seconds"] = docs["seconds"]
        return summary
    finally:
        release_dbt()


@one_at_a_time
@metered("publish")
def publish(settings: Settings) -> dict:
    """Swap in the analysts' copy, then rebuild every unit's export from it."""
    published = publish_warehouse(settings)
    published["exports"] = len(export_unit_marts(settings))
    freshness.record_build(settings)
    return published
