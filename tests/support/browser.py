"""A real headless Chromium for the HTML report's tests, driven by Selenium through
Debian's chromedriver (scripts/setup.sh installs both). Where the browser is missing the
tests skip, except with LLMCODE_REQUIRE_BROWSER=1 (set by .ci/run), where they fail."""

from __future__ import annotations

import shutil
import tempfile
from typing import Any, NoReturn

from support.required import unavailable

# A headless browser on a machine without network, as root: no sandbox (root), and none of
# the background requests Chromium would otherwise try to make.
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic", "--window-size=1400,1000",
)


def _unavailable(message: str) -> NoReturn:
    unavailable(message, "a headless browser", "LLMCODE_REQUIRE_BROWSER")


def chromium_paths() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        _unavailable("chromium and chromedriver are not installed (bash scripts/setup.sh, "
                     "or apt-get install chromium chromium-driver)")
    assert browser is not None and driver is not None
    return browser, driver


def start_browser() -> tuple[Any, str]:
    """A Selenium driver for a fresh headless Chromium, and its profile folder."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed (pip install -e '.[test]')")
    browser, driver = chromium_paths()
    profile = tempfile.mkdtemp(prefix="llmcode-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        return webdriver.Chrome(service=Service(executable_path=driver), options=options), profile
    except Exception as exc:
        shutil.rmtree(profile, ignore_errors=True)
        _unavailable(f"chromium did not start: {exc}")
        raise
