"""The dashboard in real headless Chromium: every view renders its Altair charts, filters work.

Starts ``streamlit run dashboard/app.py`` on 127.0.0.1 (free port) against a fixture database
and drives it with Playwright using the system Chromium (``/usr/bin/chromium``; no
``playwright install``). Screenshots land in tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

try:
    from dashboard_fixtures import build_db
except ImportError:  # tests/ imported as a package
    from tests.dashboard_fixtures import build_db

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
CHART = "[data-testid='stVegaLiteChart']"
VIEWS = ("Overview", "Topics", "Articles", "Sources")


def _chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run should apt-get install chromium")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium); runs in CI")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _chromium()
    db = build_db(tmp_path_factory.mktemp("browser") / "demo.duckdb", built_by="demo")
    port = _free_port()
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
    log = tmp_path_factory.mktemp("log") / "streamlit.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [streamlit, "run", str(ROOT / "dashboard" / "app.py"), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port),
             "--browser.gatherUsageStats", "false"],
            env={**os.environ, "MEDIAWATCH_DB": str(db.path)}, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not start:\n{log.read_text()[-2000:]}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def page(app_url: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1500, "height": 2400})
        tab.set_default_timeout(15_000)
        tab.goto(app_url)
        yield tab
        browser.close()


def _settle(page, text: str | None = None) -> None:
    """Wait for the rerun to finish (and for ``text`` to be on the page)."""
    if text:
        page.get_by_text(text, exact=False).first.wait_for()
    quiet, deadline = 0, time.monotonic() + 15
    while quiet < 3 and time.monotonic() < deadline:  # no "Running…" widget for 3 polls in a row
        running = page.locator("[data-testid='stStatusWidget']").count()
        quiet = 0 if running else quiet + 1
        page.wait_for_timeout(150)


def _charts_drawn(page, at_least: int = 1) -> int:
    """Wait until ``at_least`` Altair charts have drawn, then count them."""
    page.wait_for_function(
        "n => document.querySelectorAll(\"[data-testid='stVegaLiteChart'].vega-embed svg.marks,"
        " [data-testid='stVegaLiteChart'] .vega-embed svg.marks\").length >= n", arg=at_least,
    )
    return page.locator(f"{CHART}.vega-embed, {CHART} .vega-embed").count()


def _no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.inner_text("body")


def _metric(page, label: str) -> str:
    metric = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return metric.locator("[data-testid='stMetricValue']").inner_text()


def test_all_views_render_altair_charts(page) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    total = 0
    for view in VIEWS:
        page.get_by_role("tab", name=view).click()
        _settle(page, f"{view}")
        page.locator("h2").filter(has_text=view).first.wait_for()
        count = _charts_drawn(page, 3 if view == "Topics" else 1)
        total += count
        _no_exception(page)
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{view.lower()}.png"))
    assert total >= 6
    page.get_by_role("tab", name="Overview").click()
    _settle(page, "Coverage per day")


def test_keyword_filter_changes_the_numbers(page) -> None:
    page.get_by_role("tab", name="Overview").click()
    _settle(page, "Coverage per day")
    before = _metric(page, "Articles")
    box = page.get_by_label("Keyword in title or summary", exact=True)
    box.fill("Witkoff")
    box.press("Enter")
    _settle(page, "Share of all coverage")
    after = _metric(page, "Articles")
    assert int(after.replace(",", "")) < int(before.replace(",", ""))
    assert "q=Witkoff" in page.url
    _no_exception(page)
    page.screenshot(path=str(ARTIFACTS / "dashboard-keyword.png"))
    box.fill("")
    box.press("Enter")
    _settle(page)


def test_counts_toggle_changes_the_chart(page) -> None:
    page.get_by_role("tab", name="Topics").click()
    _settle(page, "Topic coverage per day")
    assert page.get_by_text("Showing share of all coverage").count() >= 1
    page.locator("[data-testid='stSidebar'] button").filter(has_text="Counts").click()
    _settle(page, "Showing article counts")
    assert re.search(r"measure=count", page.url)
    assert _charts_drawn(page, 3) >= 3
    _no_exception(page)
    page.screenshot(path=str(ARTIFACTS / "dashboard-topics-counts.png"))
