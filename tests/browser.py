"""Pages in a real headless Chromium (Debian's package, driven by Playwright): what a page
requested outside its origin, what it logged as an error, and what its charts drew."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "build" / "test-artifacts"

# every chart drawn, and each chart's marks (bars, markers) counted in its SVG
CHARTS_DRAWN = """
() => [...document.querySelectorAll('figure.chart')].every(f => f.dataset.drawn === 'true')
"""
CHART_MARKS = """
() => Object.fromEntries([...document.querySelectorAll('figure.chart')].map(f => [f.id, {
    kind: f.dataset.kind,
    svg: f.querySelectorAll('svg.main-svg').length,
    actual: f.querySelectorAll('.scatterlayer .trace:first-child .point').length,
    bars: [...f.querySelectorAll('.barlayer .point path')]
        .filter(p => (p.getAttribute('d') || '') !== 'M0,0Z' && p.getAttribute('d')).length,
    lines: f.querySelectorAll('.scatterlayer path.js-line').length,
}]))
"""


def _apt_install(*packages: str) -> None:
    for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            pytest.fail(f"could not install {packages} ({' '.join(step)}): {done.stderr[-1500:]}")


def chromium_executable() -> str:
    """Debian's chromium, and a font with Chinese glyphs for the screenshots, installed with
    apt-get when the machine lacks them; a test that needs them fails (never skips) when they
    cannot be installed."""
    missing = []
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        missing.append("chromium")
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True)
    if fonts.returncode != 0 or not fonts.stdout.strip():
        missing.append("fonts-wqy-zenhei")
    if missing:
        _apt_install(*missing)
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("apt-get installed chromium but no chromium is on PATH")
    return found


@dataclass
class PageVisit:
    url: str
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    marks: dict = field(default_factory=dict)
    cells: dict = field(default_factory=dict)
    text: str = ""


# every [data-figure] cell of the page, keyed by its row's data attributes
FIGURE_CELLS = """
() => [...document.querySelectorAll('[data-figure]')].map(cell => {
    const quarter = cell.closest('[data-quarter]');
    const scope = cell.closest('[data-scope]');
    const indicator = cell.closest('[data-indicator]');
    const key = quarter ? quarter.dataset.quarter
        : (scope ? scope.dataset.scope : '') + '|' + (indicator ? indicator.dataset.indicator : '');
    return [key, cell.dataset.figure, cell.textContent.trim()];
})
"""


class Tab:
    """One page of a browser context, reused for every visit (a new page is a new renderer
    process), recording for the current visit what it requested and logged."""

    def __init__(self, browser, cookies=None):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        if cookies:
            self.context.add_cookies(cookies)
        self.page = self.context.new_page()
        self.current: PageVisit | None = None
        self.page.on("request", self._request)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.current.errors.append(str(exc)))

    def _request(self, req) -> None:
        origin = urlsplit(self.current.url)[:2]
        if urlsplit(req.url)[:2] != origin and not req.url.startswith("data:"):
            self.current.outside.append(req.url)

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.current.errors.append(msg.text)

    def visit(self, url: str, screenshot: Path | None = None) -> PageVisit:
        """Open ``url`` and wait for its charts; what it asked of another origin, the errors
        it logged or raised, its charts' marks and its figures."""
        self.current = found = PageVisit(url)
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.ok, (url, response and response.status)
        self.page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
        found.marks = self.page.evaluate(CHART_MARKS)
        found.cells = self.page.evaluate(FIGURE_CELLS)
        found.text = self.page.inner_text("body")
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(screenshot), full_page=True)
        return found

    def close(self) -> None:
        self.context.close()


@contextlib.contextmanager
def served(folder: Path):
    """``folder`` over HTTP on 127.0.0.1 (a page's origin, as the Airflow UI gives it)."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            browser.close()
