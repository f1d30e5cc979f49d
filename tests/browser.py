"""Headless Chromium for the tests that look at pages as a person does (Debian's chromium + chromium-driver,
Selenium). A test module calls :func:`require_chromium` first: where Chromium or Selenium is missing, the
module is skipped, saying how to get them (``make browser-test`` installs them)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip the calling module, saying why, when Selenium, Chromium or chromedriver is not installed."""
    pytest.importorskip("selenium", reason="Selenium is not installed: run `make browser-test`")
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip(
            "Chromium or chromedriver is not installed (apt-get install chromium chromium-driver): run `make browser-test`",
            allow_module_level=True,
        )


@contextmanager
def chromium(width: int = 1280, height: int = 1400) -> Iterator[Any]:
    """A headless Chromium (Selenium WebDriver) with a fresh profile and a ``width`` x ``height`` window."""
    from selenium import webdriver

    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in [*FLAGS, f"--window-size={width},{height}", f"--user-data-dir={profile}"]:
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)))
        try:
            yield driver
        finally:
            driver.quit()
