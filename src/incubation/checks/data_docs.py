"""GX Data Docs that work on a closed network.

GX's pages load Bootstrap, jQuery, bootstrap-table, Font Awesome, a date picker and Vega from
public CDNs, and its logo from S3. After GX has written a site, every page gets the same
libraries from pinned packages instead (``xstatic-jquery``, ``xstatic-bootstrap``,
``xstatic-font-awesome``), copied into the site's ``static/offline/``, and a small table
renderer of ours (``data_docs_static/tables.js``) in place of bootstrap-table. What only
decorates a page offline (the date picker, the dark theme, Vega, which our suites' pages never
call) is dropped. An outside address this module does not know raises ``OnlineAsset``: a new
GX that loads something else fails the night's docs loudly, it does not quietly go online.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import xstatic.pkg.bootstrap
import xstatic.pkg.font_awesome
import xstatic.pkg.jquery

OWN = Path(__file__).with_name("data_docs_static")
OFFLINE = "static/offline"

# the address a page loads (up to any query) -> the file in static/offline/, or None: dropped
REPLACED: dict[str, str | None] = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap.bundle.min.js"  # with Popper
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": None,
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "font-awesome/css/all.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "tables.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "tables.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": None,
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": None,
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": None,
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": None,
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": None,
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": None,
    "https://cdn.jsdelivr.net/npm/vega@5": None,
    "https://cdn.jsdelivr.net/npm/vega-lite@5": None,
    "https://cdn.jsdelivr.net/npm/vega-embed@6": None,
}
# GX's logos on S3 -> the one GX ships in the site's static/images/
LOGOS = re.compile(
    r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/[\w-]+\.png(\?[^\"')]*)?"
)
LOCAL_LOGO = "static/images/logo-long.png"
FAVICON = re.compile(r'href="(?:\.\./)*static/images/favicon\.ico"')
# what a page loads: a script's or image's src, a stylesheet's or icon's href, a CSS url()
LOADS = re.compile(
    r"<(?:script|img|iframe|source)\b[^>]*\ssrc=\"(?P<src>[^\"]+)\""
    r"|<link\b[^>]*\shref=\"(?P<href>[^\"]+)\""
    r"|url\(['\"]?(?P<url>[^'\")]+)['\"]?\)"
)
TAG = re.compile(
    r"<script\b[^>]*\ssrc=\"(?P<a>[^\"]+)\"[^>]*>\s*</script>|<link\b[^>]*\shref=\"(?P<b>[^\"]+)\"[^>]*/?>"
)


class OnlineAsset(RuntimeError):
    """A Data Docs page loads an outside address this module does not replace."""


def copy_libraries(site: Path) -> None:
    """The libraries, pinned, into the site's static/offline/ (once per site)."""
    target = site / OFFLINE
    if (target / "tables.js").exists():
        return
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(xstatic.pkg.jquery.BASE_DIR) / "jquery.min.js", target / "jquery.min.js")
    bootstrap = Path(xstatic.pkg.bootstrap.BASE_DIR)
    shutil.copyfile(bootstrap / "css" / "bootstrap.min.css", target / "bootstrap.min.css")
    shutil.copyfile(
        bootstrap / "js" / "bootstrap.bundle.min.js", target / "bootstrap.bundle.min.js"
    )
    awesome = Path(xstatic.pkg.font_awesome.BASE_DIR)
    for part in ("css", "webfonts"):
        shutil.copytree(awesome / part, target / "font-awesome" / part, dirs_exist_ok=True)
    for own in OWN.iterdir():
        shutil.copyfile(own, target / own.name)


def offline_page(html: str, depth: int) -> str:
    """One page with its outside loads replaced by the site's own files (``depth``: how many
    folders below the site's root the page is)."""
    up = "../" * depth

    def tag(match: re.Match) -> str:
        address = match["a"] or match["b"]
        if address not in REPLACED:
            return match[0]
        local = REPLACED[address]
        if local is None:
            return ""
        if match["a"]:
            return f'<script src="{up}{OFFLINE}/{local}"></script>'
        return f'<link rel="stylesheet" href="{up}{OFFLINE}/{local}">'

    html = TAG.sub(tag, html)
    html = LOGOS.sub(f"{up}{LOCAL_LOGO}", html)
    # GX links a validation page's icon one folder short
    html = FAVICON.sub(f'href="{up}static/images/favicon.ico"', html)
    outside = sorted(
        {
            a
            for m in LOADS.finditer(html)
            if (a := m["src"] or m["href"] or m["url"]) and _outside(a)
        }
    )
    if outside:
        raise OnlineAsset(f"GX Data Docs page loads {outside}: add it to data_docs.REPLACED")
    return html


def _outside(address: str) -> bool:
    return address.startswith(("http://", "https://", "//"))


def make_offline(site: Path) -> int:
    """Every page of a GX Data Docs site made to load nothing from outside; the pages changed
    (a page already done is left alone)."""
    copy_libraries(site)
    changed = 0
    for page in site.rglob("*.html"):
        html = page.read_text("utf-8")
        if f"{OFFLINE}/jquery.min.js" in html:
            continue
        done = offline_page(html, len(page.relative_to(site).parts) - 1)
        if done != html:
            page.write_text(done, "utf-8")
            changed += 1
    return changed
