"""The API docs in Chromium: Swagger UI served from our own static files, under the
Content-Security-Policy, with nothing fetched from elsewhere (moved here from tests/security so the
browser tests share one Chromium)."""

from urllib.parse import urlparse

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as every browser test: the next one reloads the data
def test_swagger_ui_renders_under_the_policy_with_nothing_fetched_from_elsewhere(live_server, desktop_page, screenshot):
    """Chromium, offline by construction: every request must stay on the test server, and the page
    (and the admin) must run under the Content-Security-Policy without a violation."""
    from accounts.models import Role
    from tests.factories import UserFactory

    UserFactory(username="docs-reader", role=Role.SUPERVISOR)
    page = desktop_page
    elsewhere, violations = [], []
    page.on("request", lambda r: elsewhere.append(r.url) if urlparse(r.url).hostname not in ("localhost", "127.0.0.1") and not r.url.startswith("data:") else None)
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/api/docs/")
    page.fill("#id_username", "docs-reader")  # sent to the admin's login first
    page.fill("#id_password", "pw-12345")
    page.click("#login-form [type=submit]")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "Retail distribution API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag-section", timeout=20_000)  # the schema loaded and drawn
    screenshot(page, "api-docs-offline")
    page.goto(f"{live_server.url}/admin/retailers/retailer/")
    page.wait_for_selector("#changelist")
    assert elsewhere == []
    assert violations == []
