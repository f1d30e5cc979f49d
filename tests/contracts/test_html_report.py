"""The HTML report as a person sees it, in headless Chromium: the verdict, the likely cause, the check x run
matrix (three vendors side by side), and a finding with its field and spec pointer, reached from its cell.

The page is opened from a file with the network off: it needs nothing else. A screenshot goes to
``reports/html-report/report.png`` (git-ignored); with ``REPORT_SCREENSHOT=docs/report.png`` (``make
report-screenshot``) it also replaces the picture in docs/contracts-report.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contracts.cli import main
from tests.browser import chromium, require_chromium
from tests.contracts.fixtures import reference_profile
from tests.faults.reference import make_app
from tests.faults.serve import serve
from vendor_specs import base_path

require_chromium()

from selenium.webdriver.common.by import By  # noqa: E402

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
POINTER = "openapi/openwebui.yaml#/components/schemas/ModelMeta/properties/profile_image_url"
RUNS = (("openwebui", "null_profile_image_url"), ("respan", "problem_json"), ("selise", None))


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``contracts report`` of three runs: Open WebUI with a null field, Respan with problem+json errors, SELISE
    conformant."""
    folder = tmp_path_factory.mktemp("html")
    runs = []
    for api, fault in RUNS:
        with serve(make_app(api, {fault} if fault else set(), prefix=base_path(api))) as url:
            runs.append(str(folder / f"{api}.json"))
            args = ["check", "--api", api, "--base-url", url, "--profile", reference_profile(api), "--seed", "3"]
            main([*args, "--max-examples", "5", "--json", runs[-1]])
    out = folder / "report.html"
    assert main(["report", *runs, "--html", str(out)]) == 1
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(1200, 1000) as driver:
        driver.set_network_conditions(offline=True, latency=0, throughput=0)  # a self-contained page needs none
        yield driver


def cell(browser: Any, check: str, run: int) -> Any:
    return browser.find_element(By.CSS_SELECTOR, f'td.cell[data-check="{check}"][data-run="{run}"]')


def test_what_a_person_sees(browser: Any, page: Path) -> None:
    browser.get(page.as_uri())
    heading = browser.find_element(By.TAG_NAME, "h1")
    assert heading.text == "Contract check: FAILED" and heading.is_displayed()
    verdicts = [v.text for v in browser.find_elements(By.CSS_SELECTOR, "#runs .verdict")]
    assert verdicts == ["FAILED", "FAILED", "PASSED"]
    # the likely cause, first
    diagnosis = browser.find_element(By.CSS_SELECTOR, ".diagnosis")
    assert diagnosis.is_displayed()
    assert "Every error is answered as application/problem+json" in diagnosis.text
    assert "What to do:" in diagnosis.text
    # the matrix: one column per vendor, cells a person reads
    headers = [th.text.split("\n")[0] for th in browser.find_elements(By.CSS_SELECTOR, ".matrix tr:first-child th")]
    assert headers == ["check", "openwebui", "respan", "selise"]
    assert cell(browser, "response_schema_conformance", 0).text == "1 failure"
    assert cell(browser, "content_type_conformance", 1).text == "3 failures"
    assert cell(browser, "error_contract", 1).text == "follows from content_type_conformance"
    assert cell(browser, "auth", 2).text == "passed"
    red = cell(browser, "response_schema_conformance", 0).value_of_css_property("color")
    green = cell(browser, "auth", 2).value_of_css_property("color")
    assert red != green
    shots = ROOT / "reports" / "html-report"
    shots.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(shots / "report.png"))
    if os.environ.get("REPORT_SCREENSHOT"):  # the docs picture: down to the first finding and its pointer
        size = browser.get_window_size()
        browser.set_window_size(1200, 2050)
        browser.save_screenshot(str(ROOT / os.environ["REPORT_SCREENSHOT"]))
        browser.set_window_size(size["width"], size["height"])


def test_a_cell_leads_to_its_finding_with_field_and_pointer(browser: Any, page: Path) -> None:
    browser.get(page.as_uri())
    cell(browser, "response_schema_conformance", 0).find_element(By.TAG_NAME, "a").click()
    anchor = browser.execute_script("return location.hash").lstrip("#")
    finding = browser.find_element(By.ID, anchor)
    assert finding.is_displayed()
    top, height = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.top, window.innerHeight]", finding
    )
    assert -1 <= top < height, (top, height)  # the browser went to it (sub-pixel rounding allowed)
    text = finding.text
    assert "$.meta.profile_image_url is null, but the schema is string and not nullable" in text
    assert "field\n$.meta.profile_image_url" in text and "rule\ntype: string" in text and "value\nnull" in text
    assert f"spec\n{POINTER}" in text
    assert "REPRODUCE" in text.upper() and "curl -g -X GET" in text and "Bearer <owner token>" in text
    assert "HTTP 200 application/json" in text  # the response excerpt


def test_consequences_sit_under_their_cause(browser: Any, page: Path) -> None:
    browser.get(page.as_uri())
    cell(browser, "error_contract", 1).find_element(By.TAG_NAME, "a").click()
    finding = browser.find_element(By.ID, browser.execute_script("return location.hash").lstrip("#"))
    assert finding.text.startswith("[content_type_conformance]")
    listed = finding.find_elements(By.CSS_SELECTOR, ".follows-list li")
    assert listed and any(item.text.startswith("[error_contract]") for item in listed)
    assert all(item.is_displayed() for item in listed)


def test_skipped_checks_show_their_reason(browser: Any, page: Path) -> None:
    browser.get(page.as_uri())
    skipped = browser.find_elements(By.CSS_SELECTOR, "td.cell.skipped")
    for td in skipped:
        assert td.get_attribute("title")
    assert browser.find_elements(By.CSS_SELECTOR, ".matrix td.cell")  # the matrix is there, skipped or not
