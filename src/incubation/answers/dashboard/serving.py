"""Which file the Airflow UI's pages serve for a request: the dashboard, the dbt docs and the
latest GX Data Docs, each a static site under the data home.

Kept apart from the plugin (``plugins/incubation_pages.py``) so that it is tested without an
api-server: a request maps to a file inside its site's folder or to nothing, never outside.
"""

from __future__ import annotations

from pathlib import Path

from incubation.settings import Settings

# the dbt docs are the page and the two files it reads (or the page with both inside, for a
# file opened without a server), not the rest of dbt's target
DBT_DOCS_FILES = ("index.html", "manifest.json", "catalog.json", "static_index.html")


def latest_gx_docs(settings: Settings) -> Path | None:
    """The Data Docs of the latest run that made any (one folder per run)."""
    runs = settings.home / "docs" / "gx"
    built = [p.parent for p in runs.glob("*/index.html")] if runs.is_dir() else []
    return max(built, key=lambda p: (p / "index.html").stat().st_mtime, default=None)


def site_root(settings: Settings, site: str) -> Path | None:
    if site == "dashboard":
        return settings.dashboard
    if site == "dbt-docs":
        return settings.dbt_target
    if site == "gx-docs":
        return latest_gx_docs(settings)
    return None


def resolve(settings: Settings, site: str, path: str) -> Path | None:
    """The file to send for ``/<site>/<path>``, or None (not found, or outside the site)."""
    root = site_root(settings, site)
    if root is None or not root.is_dir():
        return None
    root = root.resolve()
    target = (root / (path or "index.html")).resolve()
    if target != root and root not in target.parents:
        return None
    if target.is_dir():
        target = target / "index.html"
    if site == "dbt-docs" and target.relative_to(root).as_posix() not in DBT_DOCS_FILES:
        return None
    return target if target.is_file() else None
