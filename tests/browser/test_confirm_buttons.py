"""Confirmation pages show their action as a primary button and the way back as a secondary one
(tester 2026-11-27: 确认修改此定量 修改例外 read as two plain words; the publish confirmation the same)."""

import pytest
from django.core.management import call_command

from allocation.models import SupplyPlanLine
from allocation.services import allocation_run_create
from tests.browser.conftest import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _look(page, selector: str) -> dict:
    return page.eval_on_selector(
        selector,
        "e => { const s = getComputedStyle(e); return {bg: s.backgroundColor, pad: parseFloat(s.paddingLeft),"
        " radius: parseFloat(s.borderTopLeftRadius), color: s.color}; }",
    )


def test_publish_confirmation_buttons_look_like_buttons(live_server, desktop_page, screenshot, samples, supervisor):
    call_command("import_data", "customers", str(samples / "customers.xlsx"))
    call_command("import_data", "products", str(samples / "products.xlsx"))
    call_command("import_data", "supply_plan", str(samples / "supply_plan.xlsx"))
    run = allocation_run_create(cycle=SupplyPlanLine.objects.first().cycle)
    supervisor.set_password("demo-2026")
    supervisor.save()
    page = desktop_page
    staff_login(page, live_server.url, supervisor.username)
    page.goto(f"{live_server.url}/admin/allocation/allocationrun/{run.pk}/publish/")
    screenshot(page, "publish-confirm-buttons")
    primary, back = _look(page, "#confirm-publish"), _look(page, "#publish-confirm form a.button")
    for look in (primary, back):
        assert look["bg"] not in ("rgba(0, 0, 0, 0)", "transparent")
        assert look["pad"] >= 8
        assert look["radius"] >= 4
    assert primary["color"] == "rgb(255, 255, 255)"
    assert primary["bg"] != back["bg"]
