"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright; never a downloaded browser."""

import os
from pathlib import Path

import pytest

from demo.services import DEMO_PASSWORD
from tests.conftest import ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]  # fmt: skip


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        reason = f"Chromium not installed at {CHROMIUM} (apt-get install chromium; .ci/run does)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(chromium):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-CN")
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop_page(chromium):
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def staff_login(page, base_url: str, username: str, next_path: str = "/admin/") -> None:
    """Log a demo supervisor or customer manager in through the admin login form."""
    page.goto(f"{base_url}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_load_state()
