"""Swagger UI works first time, driven in headless Chromium (Debian's chromium + chromium-driver, Selenium).

For each vendor: Authorize with a fixture token, Try it out, Execute with no field edited -> 200; the
Servers list shows the URL the mock is served at; the Authorize dialog lists the mock's tokens.
`make browser-test` installs what it needs and runs this; elsewhere it is skipped, saying why.
Screenshots go to reports/swagger-ui/<api>.png (git-ignored) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser import chromium, require_chromium
from tests.mock_server.conftest import free_port

SCREENSHOTS = Path(__file__).resolve().parents[2] / "reports" / "swagger-ui"

require_chromium()

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(1280, 1400) as driver:
        yield driver


@pytest.fixture(scope="module")
def mock(run_mock_module: Any) -> dict[str, str]:
    return run_mock_module


@pytest.fixture(scope="module")
def run_mock_module() -> Iterator[dict[str, str]]:
    from tests.mock_server.conftest import RunningMock

    port = free_port(3)
    running = RunningMock(["--port", str(port), "--quiet"])
    try:
        running.wait_url(f"http://127.0.0.1:{port}/")
        yield {api: f"http://127.0.0.1:{port + i}" for i, api in enumerate(("openwebui", "respan", "selise"))}
    finally:
        running.stop()


def _click(driver: Any, css: str, within: Any = None) -> Any:
    wait = WebDriverWait(driver, 15)
    element = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, css)))
    if within is not None:
        element = within.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
    return element


@pytest.mark.parametrize("api", ["openwebui", "respan", "selise"])
def test_try_it_out_answers_200_after_authorize(browser, mock, api):
    index = httpx.get(mock[api] + "/").json()
    spec = httpx.get(index["openapi"]).json()
    (param,) = [p for op in spec["paths"].values() for p in op["get"]["parameters"] if p.get("examples")]
    prefilled = next(iter(param["examples"].values()))["value"]
    person = next(p for p in index["identities"] if prefilled in p["may_read"])

    browser.get(index["swagger_ui"])
    wait = WebDriverWait(browser, 20)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".opblock-summary")))
    servers = [o.text for o in browser.find_elements(By.CSS_SELECTOR, ".servers select option")]
    assert servers and servers[0].startswith(index["base_url"]), servers

    _click(browser, ".auth-wrapper .authorize")
    dialog = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".dialog-ux .modal-ux")))
    text = dialog.text
    for other in index["identities"]:
        assert other["token"] in text, f"the Authorize dialog does not list {other['name']}'s token"
    dialog.find_element(By.CSS_SELECTOR, "input[type=text], input[type=password]").send_keys(person["token"])
    _click(browser, ".modal-ux .auth-btn-wrapper .authorize")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"{api}-authorize.png"))
    _click(browser, ".modal-ux .btn-done, .modal-ux .close-modal")

    _click(browser, ".opblock-summary")
    _click(browser, ".try-out__btn")
    _click(browser, ".execute")
    status = wait.until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, ".live-responses-table .response .response-col_status"))
    )
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", status)
    browser.save_screenshot(str(SCREENSHOTS / f"{api}.png"))
    body = browser.find_element(By.CSS_SELECTOR, ".live-responses-table .response-col_description").text
    assert status.text.strip().startswith("200"), f"{api}: {status.text} {body[:300]}"
    shown = browser.find_element(By.TAG_NAME, "body").text
    assert "x-seed" not in shown and "shared/" not in shown  # info.x-seed is a machine key, not shown
