"""The admin's report pages on a 360 px phone (tester: the charts shrank to ~110 px high with 4 px
letters; the tier proposal's publish confirmation wrapped its table one character per line): the page
never scrolls sideways, every chart is drawn tall enough with letters a person can read (a chart
drawn only wide may scroll inside its own box), and no table cell is squeezed narrower than its
shortest words. Screenshots go to artifacts/screenshots/narrow-*.png."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from demo.requests import demo_requests_create
from demo.services import demo_city_create, demo_first_rerating, demo_inspections_create, demo_quotas_publish
from inventory.services import inventory_advice_nightly
from profitability.services import profit_figures_nightly
from retailers.models import Retailer
from tests.browser.conftest import staff_login
from tiers.services import classification_run, tier_override

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Each chart seen on the page: its box and the smallest letters seen (a text's font size in drawing
# units times the drawing's scale on the screen), over the texts a person sees.
CHARTS = """() => [...document.querySelectorAll('.report-chart svg')]
  .filter(svg => svg.checkVisibility({checkVisibilityCSS: true}))
  .map(svg => {
    const box = svg.getBoundingClientRect(), scale = box.width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')]
      .filter(t => t.textContent.trim() && t.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}))
      .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    const holder = svg.closest('.report-chart').getBoundingClientRect();
    return {id: svg.closest('.report-chart').id, width: box.width, height: box.height,
            letters: Math.min(...sizes), holder: holder.right};
  })"""
# Each table cell's width on the screen and the width of its widest word (a run of text between
# spaces or slashes, or before a bracket, where a heading may wrap; at most 5 letters wide) measured
# on one line.
CELLS = """(selector) => [...document.querySelectorAll(selector + ' :is(th, td)')].map(cell => {
  const style = getComputedStyle(cell), pad = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap;font:' + style.font;
  probe.textContent = cell.textContent.trim().split(/[\\s/]+|(?=[（(])/).sort((a, b) => b.length - a.length)[0] || '';
  document.body.appendChild(probe);
  const word = Math.min(probe.getBoundingClientRect().width, 5 * parseFloat(style.fontSize));
  probe.remove();
  return {text: cell.textContent.trim(), inner: cell.getBoundingClientRect().width - pad, word};
})"""

# Each data cell of a report table drawn on more than one line (a name, a date or a figure broken
# inside, e.g. 刘/经/理/4 or 2026-05-/29), leaving out cells of sentences (class wrap or reason).
BROKEN = """(selector) => [...document.querySelectorAll(selector + ' td:not(.wrap):not(.reason)')]
  .filter(cell => cell.textContent.trim())
  .map(cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const lines = new Set([...range.getClientRects()].filter(r => r.width).map(r => Math.round(r.top))).size;
    return {text: cell.textContent.trim(), lines};
  })
  .filter(cell => cell.lines > 1)"""


@pytest.fixture
def city():
    today = timezone.localdate()
    demo_city_create(retailers=150, products=16, weeks=60, seed=3, today=today)
    demo_first_rerating(today=today)
    demo_quotas_publish(today=today)
    demo_inspections_create(today=today)
    profit_figures_nightly(today=today)
    return today


def no_sideways_scroll(page, where: str) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= 360, f"{where}: the page scrolls sideways ({scroll} px wide)"


def readable_charts(page, where: str, *, at_least: int) -> None:
    charts = page.evaluate(CHARTS)
    assert len(charts) == page.locator(".report-chart").count(), f"{where}: one drawing seen in each box: {charts}"
    assert len(charts) >= at_least, f"{where}: {charts}"
    for chart in charts:
        assert chart["height"] >= 220, f"{where}: chart {chart} drawn too low"
        assert chart["letters"] >= 11, f"{where}: chart {chart} letters too small to read"
        assert chart["holder"] <= 360, f"{where}: chart {chart} box wider than the screen"


def test_report_charts_stay_readable_at_360_px(live_server, phone_page, screenshot, city):
    page = phone_page
    staff_login(page, live_server.url, "supervisor")
    shop = Retailer.objects.filter(status="active", tier__isnull=False).order_by("pk").first()
    pages = {
        "profit-report": (reverse("admin:profitability_report", args=[shop.pk]), 2),  # the mix: if it has one
        "compliance-figures": (reverse("admin:compliance_figures"), 3),
        "profit-overview": (reverse("admin:profitability_overview"), 1),
    }
    for name, (path, expect) in pages.items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state()
        screenshot(page, f"narrow-{name}")
        no_sideways_scroll(page, name)
        readable_charts(page, name, at_least=expect)
    # a customer manager's workspace: its trend
    page.context.clear_cookies()
    staff_login(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}{reverse('admin:profitability_workspace')}")
    page.wait_for_load_state()
    screenshot(page, "narrow-profit-workspace")
    no_sideways_scroll(page, "profit-workspace")
    readable_charts(page, "profit-workspace", at_least=1)


def test_publish_confirmation_tables_read_at_360_px(live_server, phone_page, screenshot, city):
    supervisor = get_user_model().objects.get(username="supervisor")
    shop = Retailer.objects.filter(status="active", tier__isnull=False).order_by("pk").first()
    reason = "新店开业，经营面积扩大到一百二十平方米，客户经理实地核实后申请临时上调档位，待下次评档复核。"
    tier_override(retailer=shop, tier=1 if shop.tier > 15 else 30, reason=reason, approver=supervisor)
    proposal = classification_run(as_of=city)
    page = phone_page
    staff_login(page, live_server.url, "supervisor")
    page.goto(f"{live_server.url}{reverse('admin:tiers_tierproposal_publish', args=[proposal.pk])}")
    page.wait_for_load_state()
    screenshot(page, "narrow-tier-publish-confirm")
    assert page.locator("#overrides-undone").is_visible()
    no_sideways_scroll(page, "publish confirmation")
    for table in ("#overrides-undone table", "#moves-by-steps", "#moves-biggest"):
        cells = page.evaluate(CELLS, table)
        assert cells, table
        squeezed = [c for c in cells if c["inner"] + 1 < c["word"]]
        assert not squeezed, f"{table}: cells narrower than their words: {squeezed[:5]}"


REPORT_PAGES = {  # the report tables the tester saw broken one character per line
    "compliance-figures": ("admin:compliance_figures", ""),
    "compliance-figures-product": ("admin:compliance_figures", "?level=product"),
    "request-figures": ("admin:service_requests_figures", ""),
    "diversion-alerts": ("admin:inventory_diversion_alerts", ""),
}


def words_whole(page, where: str) -> None:
    """Every report table on the page: no cell narrower than its words, no data cell broken."""
    tables = page.locator("table.report-table").count()
    assert tables, f"{where}: no report table"
    cells = page.evaluate(CELLS, "table.report-table")
    squeezed = [c for c in cells if c["inner"] + 1 < c["word"]]
    assert not squeezed, f"{where}: cells narrower than their words: {squeezed[:5]}"
    broken = page.evaluate(BROKEN, "table.report-table")
    assert not broken, f"{where}: cells broken over lines: {broken[:5]}"


def test_report_tables_keep_words_whole_at_360_and_1440_px(live_server, phone_page, chromium, screenshot, city):
    demo_requests_create(today=city)
    inventory_advice_nightly(today=city)
    wide = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN").new_page()
    try:
        for size, page in (("360", phone_page), ("1440", wide)):
            staff_login(page, live_server.url, "supervisor")
            for name, (url, query) in REPORT_PAGES.items():
                path = reverse(url) + query
                page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state()
                screenshot(page, f"narrow-{name}-{size}")
                if size == "360":
                    no_sideways_scroll(page, name)
                words_whole(page, f"{name} at {size} px")
    finally:
        wide.context.close()
