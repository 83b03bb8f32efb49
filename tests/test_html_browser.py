"""The HTML report end to end in headless Chromium: the bundled example's page loads with no console
error and fetches nothing, the filters and sorting change the visible rows as the Report says they
should, printing shows everything, hostile text runs no script; screenshots go to test-artifacts/.

The browser is Debian's chromium (`.ci/run` installs it when missing) driven by Playwright with
`executable_path`: Playwright's own browser download does not work offline and is never used.
Skipped, saying why, only where no Chromium or no Playwright can be had.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archaudit.cli import main
from archaudit.findings import Severity
from archaudit.model import Report
from archaudit.report import render_html
from tests.conftest import report_of
from tests.test_html import hostile

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "shop-api"
ARTIFACTS = ROOT / "test-artifacts"
# The flags a closed network needs: without the background-networking ones Chromium keeps dialling out.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]
VISIBLE = "#findings-table tbody.finding:visible"


def _chromium() -> str | None:
    """ARCHAUDIT_CHROMIUM when set (to an executable), else the first Chromium on PATH."""
    named = os.environ.get("ARCHAUDIT_CHROMIUM")
    if named:
        return shutil.which(named)
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


@pytest.fixture(scope="module")
def example() -> Report:
    return report_of(EXAMPLE)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Playwright is not installed (pip install -e '.[dev]')")
    executable = _chromium()
    if executable is None:
        pytest.skip("no Chromium on this machine: `apt-get install chromium` (Debian) or set ARCHAUDIT_CHROMIUM; "
                    ".ci/run installs it")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=FLAGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def page(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The example's page, written by the CLI as a user would, opened from disk; console errors and
    every request it makes are recorded."""
    target = tmp_path_factory.mktemp("html") / "report.html"
    result = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--preview", "--format", "html", "-o", str(target),
                                       "--quiet", "--no-cache"])
    assert result.exit_code == 0, result.output
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    tab.errors, tab.requests = [], []
    tab.on("console", lambda m: m.type in ("error", "warning") and tab.errors.append(f"{m.type}: {m.text}"))
    tab.on("pageerror", lambda e: tab.errors.append(f"pageerror: {e}"))
    tab.on("request", lambda r: tab.requests.append(r.url))
    tab.goto(target.as_uri(), wait_until="load")
    tab.url_of_report = target.as_uri()
    yield tab
    tab.close()


def _shown_attr(page: Any, name: str) -> list[str]:
    """One data attribute of every visible finding row, top to bottom (one round trip)."""
    return page.locator(VISIBLE).evaluate_all("(rows, n) => rows.map(r => r.getAttribute('data-' + n))", name)


def _save(page: Any, name: str, **options: Any) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    page.screenshot(path=str(target), **options)
    return target


def test_page_loads_without_console_error_and_fetches_nothing(page: Any, example: Report) -> None:
    assert page.errors == []
    assert page.requests == [page.url_of_report]
    assert page.title() == f"Architecture audit: {example.root_name}"
    assert page.locator(VISIBLE).count() == len(example.findings)
    assert _save(page, "html-report-top.png").stat().st_size > 10_000


def test_severity_filter_changes_the_visible_rows(page: Any, example: Report) -> None:
    low = sum(f.severity is Severity.LOW for f in example.findings)
    assert low and page.locator(VISIBLE).count() == len(example.findings)
    page.uncheck("input[name=severity][value=low]")
    assert page.locator(VISIBLE).count() == len(example.findings) - low
    assert "low" not in _shown_attr(page, "severity")
    assert page.inner_text("#findings-count") == f"{len(example.findings) - low} of {len(example.findings)} shown"
    page.check("input[name=severity][value=low]")
    assert page.locator(VISIBLE).count() == len(example.findings)


def test_path_and_axis_filters_change_the_visible_rows(page: Any, example: Report) -> None:
    expected = sum(any("app/api/" in e.path for e in f.evidence) for f in example.findings)
    assert 0 < expected < len(example.findings)
    page.fill("#path-filter", "app/api/")
    assert page.locator(VISIBLE).count() == expected
    page.fill("#path-filter", "no/such/path/")
    assert page.locator(VISIBLE).count() == 0 and page.is_visible("#findings-empty")
    page.fill("#path-filter", "")
    page.select_option("#axis-filter", "security")
    assert page.locator(VISIBLE).count() == sum(f.axis.value == "security" for f in example.findings)
    page.select_option("#axis-filter", "")
    assert page.locator(VISIBLE).count() == len(example.findings)


def test_clicking_a_header_sorts_and_a_second_click_reverses(page: Any) -> None:
    ranks, rules = _shown_attr(page, "rank"), _shown_attr(page, "rule")
    assert ranks == sorted(ranks, key=int) and rules != sorted(rules)  # the report's order: worst first
    page.click("th[data-sort=rule] button")
    assert _shown_attr(page, "rule") == sorted(rules, key=str.lower)
    assert page.get_attribute("th[data-sort=rule]", "aria-sort") == "ascending"
    page.click("th[data-sort=rule] button")
    assert _shown_attr(page, "rule") == sorted(rules, key=str.lower, reverse=True)
    page.click("th[data-sort=evidence] button")
    evidence = _shown_attr(page, "evidence")
    assert evidence == sorted(evidence, key=str.lower) and evidence != _shown_attr(page, "rule")
    page.click("th[data-sort=rank] button")
    assert _shown_attr(page, "rank") == ranks and _shown_attr(page, "rule") == rules  # stable: back to the start


def test_a_row_expands_to_its_evidence(page: Any, example: Report) -> None:
    first = example.findings[0]
    detail = page.locator(f"#f-{first.fingerprint} tr.detail")
    assert not detail.is_visible()
    page.click(f"#f-{first.fingerprint} tr.main")
    assert detail.is_visible() and first.evidence[0].snippet.strip() in detail.inner_text()
    page.evaluate("document.getElementById('findings').scrollIntoView()")
    _save(page, "html-report-findings.png")
    page.click(f"#f-{first.fingerprint} tr.main")
    assert not detail.is_visible()


def test_a_rule_block_link_reveals_its_finding_even_when_filtered_out(page: Any, example: Report) -> None:
    low = next(f for f in example.findings if f.severity is Severity.LOW)
    page.uncheck("input[name=severity][value=low]")
    assert not page.is_visible(f"#f-{low.fingerprint}")
    page.click(f'#rule-{low.rule} a[href="#f-{low.fingerprint}"]')
    page.wait_for_selector(f"#f-{low.fingerprint} tr.detail", state="visible")
    assert page.is_checked("input[name=severity][value=low]")
    assert page.locator(VISIBLE).count() == len(example.findings)
    page.click(f"#f-{low.fingerprint} tr.main")  # closed again for the tests after this one


def test_inventory_search_filters_rows(page: Any, example: Report) -> None:
    rows = "#inventory .inv-table tbody tr:visible"
    total = sum(len(t.rows) for s in example.sections for t in s.tables)
    assert page.locator(rows).count() == total
    page.fill("#inventory-search", "delete_user")
    shown = page.locator(rows).all()
    assert 0 < len(shown) < total and all("delete_user" in r.inner_text() for r in shown)
    page.fill("#inventory-search", "")
    assert page.locator(rows).count() == total


def test_printed_page_shows_every_finding_with_its_evidence(page: Any, example: Report) -> None:
    page.uncheck("input[name=severity][value=medium]")
    page.emulate_media(media="print")
    try:
        assert page.locator(VISIBLE).count() == len(example.findings)
        assert page.locator("#findings-table tr.detail:visible").count() == len(example.findings)
        assert not page.is_visible("#path-filter") and not page.is_visible(".toc")
    finally:
        page.emulate_media(media="screen")
        page.check("input[name=severity][value=medium]")


def test_hostile_text_runs_no_script(browser: Any, example: Report) -> None:
    tab = browser.new_page()
    try:
        tab.set_content(render_html.render(hostile(example)), wait_until="load")
        assert tab.evaluate("typeof window.pwned") == "undefined"
        assert "<script>window.pwned" in tab.inner_text("#findings-table tbody.finding")
    finally:
        tab.close()
