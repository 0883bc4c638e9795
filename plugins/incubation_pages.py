"""The district's pages in the Airflow UI: the dashboard, the dbt docs of the warehouse and
the latest GX Data Docs, each a menu entry (看板 / 数据文档) behind Airflow's own login.

A FastAPI app mounted by the api-server at ``/incubation``; every request needs an
authenticated Airflow user (the UI's session cookie or a bearer token), an anonymous one is
refused with 401. The files come from the data home (``INCUBATION_HOME``), as the pipeline
wrote them; which file a request gets is decided in ``incubation.answers.dashboard.serving``.
"""

from __future__ import annotations

from typing import ClassVar

from airflow.api_fastapi.core_api.security import requires_authenticated
from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import FileResponse

from incubation.answers.dashboard.serving import resolve
from incubation.settings import Settings

PREFIX = "/incubation"
SITES = {
    "dashboard": "孵化载体建设进度看板",
    "dbt-docs": "数据仓库文档（dbt docs）",
    "gx-docs": "数据校验报告（GX Data Docs）",
}


def create_app() -> FastAPI:
    app = FastAPI(
        title="Yuzhong incubation pages",
        dependencies=[Depends(requires_authenticated())],
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )

    @app.get("/{site}/{path:path}")
    def page(site: str, path: str) -> FileResponse:
        target = resolve(Settings.from_env(), site, path) if site in SITES else None
        if target is None:
            raise HTTPException(status_code=404, detail="not found")
        return FileResponse(target, headers={"Cache-Control": "no-cache"})

    return app


class IncubationPagesPlugin(AirflowPlugin):
    name = "incubation_pages"
    fastapi_apps: ClassVar[list[dict]] = [
        {"app": create_app(), "url_prefix": PREFIX, "name": "incubation pages"}
    ]
    external_views: ClassVar[list[dict]] = [
        {
            "name": title,
            "href": f"{PREFIX.lstrip('/')}/{site}/",
            "url_route": f"incubation-{site}",
            "category": "渝中孵化载体",
        }
        for site, title in SITES.items()
    ]
