"""Each role's main flows in Chromium, as a new user would walk them, in Chinese (issue 19).

One demo city per role, one browser context per role; every page is checked at 1440 px and at
360 px by `tests.browser.walk.Walker.check` (no code shown, units beside the figures, no sideways
scrolling on a phone, no Content-Security-Policy violation) and photographed to
artifacts/screenshots/<role>-<page>-<width>.png.

- The supervisor: the dashboard; a tier proposal reviewed, then published through its confirmation;
  the allocation report, published through its confirmation; a quota exception whose retailer,
  product and cycle are found by search; a file imported through upload → preview → confirm.
- A customer manager: the dashboard; the retailer list narrowed by filters; a retailer's page with
  its tier explanation; the profitability workspace and a retailer's report; the compliance figures.
- A retailer on a phone: home, cycles, tier, stock, profit, prices, notices, requests, surveys, demand.
"""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from allocation.models import AllocationRun, QuotaException, SupplyPlanLine
from allocation.selectors import quotas_frame
from core.models import Run
from core.nightly import run_nightly
from demo.requests import demo_requests_create
from demo.services import (
    DEMO_PASSWORD,
    demo_city_create,
    demo_demand_reports_create,
    demo_first_rerating,
    demo_inspections_create,
    demo_quotas_publish,
)
from demo.surveys import demo_surveys_create
from pricing.models import Product
from retailers.models import Retailer
from tests.browser.conftest import staff_login
from tests.browser.walk import NARROW, WIDE, Walker
from tiers.services import classification_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def city(settings, tmp_path):
    """A small demo city as `make run` builds it: tiers published, demand reported, this cycle's quotas
    published, inspections, requests, surveys, then the nightly jobs (next cycle's allocation run
    computed and waiting, profit figures, stock advice)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    demo_city_create(retailers=150, products=16, weeks=14, seed=5, today=today)
    demo_first_rerating(today=today)
    demo_demand_reports_create(today=today)
    demo_quotas_publish(today=today, next_cycle=False)  # the next cycle's run waits for review, any weekday
    demo_inspections_create(today=today)
    demo_requests_create(today=today)
    demo_surveys_create(today=today)
    run_nightly()
    return today


@pytest.fixture
def context(chromium):
    made = []

    def new(*, phone: bool = False):
        made.append(chromium.new_context(locale="zh-CN", device_scale_factor=2 if phone else 1))
        return made[-1]

    yield new
    for each in made:
        each.close()


def pick(walker: Walker, field: str, query: str, expect: str) -> None:
    """Choose in an autocomplete (Django admin's select2) by typing `query` and clicking the option
    that shows `expect`."""
    page = walker.page
    page.click(f".field-{field} .select2-selection")
    page.fill(".select2-container--open .select2-search__field", query)
    option = page.locator(".select2-container--open .select2-results__option").filter(has_text=expect).first
    option.click()
    assert expect in page.inner_text(f".field-{field} .select2-selection")


def test_the_supervisor_reviews_and_publishes_tiers_and_quotas_sets_an_exception_and_imports(
    live_server, context, city
):
    proposal = classification_run(as_of=city)  # a re-rating waiting for review
    waiting = AllocationRun.objects.filter(is_published=False).select_related("cycle").get()
    walk = Walker(context(), live_server.url, "supervisor")
    page = walk.page
    staff_login(page, live_server.url, "supervisor")
    page.wait_for_selector("#dashboard-cards")
    walk.check("index", units=("户",))

    # The tier proposal: reviewed, then published only after its confirmation.
    walk.goto(f"/admin/tiers/tierproposal/{proposal.pk}/change/")
    walk.check("tier-proposal", contains=("各档汇总", "分数线"))
    page.click("#publish-tiers")
    page.wait_for_selector("#publish-confirm")
    text = walk.check("tier-publish-confirm", units=("户",), contains=("升档", "降档"))
    assert "确认" in text or "发布" in text
    proposal.refresh_from_db()
    assert proposal.status != "published"  # the confirmation page itself changes nothing
    page.click("#confirm-publish")
    page.wait_for_selector("text=已发布")
    walk.check("tier-published", contains=("已发布",))
    proposal.refresh_from_db()
    assert proposal.status == "published"

    # The allocation: its report, then published only after its confirmation.
    walk.goto(f"/admin/allocation/allocationrun/{waiting.pk}/report/")
    walk.check("allocation-report", units=("条", "%"), contains=(waiting.cycle.label,))
    # Read at a glance at 1440 px: neither the page nor the main table's own box scrolls sideways.
    wide = page.evaluate(
        "() => { const box = document.querySelector('#allocation-lines').parentElement;"
        " return [document.documentElement.scrollWidth, box.scrollWidth, box.clientWidth]; }"
    )
    assert wide[0] <= WIDE, f"the allocation report's page scrolls sideways at {WIDE} px: {wide}"
    assert wide[1] <= wide[2], f"the allocation report's table scrolls sideways at {WIDE} px: {wide}"
    page.click("#allocation-lines details summary")  # a row's rules and caps per tier, one click away
    walk.check("allocation-report-detail", units=("条",), contains=("D30", "D1", "按档位上限投放"))
    page.click(f"a[href$='/allocationrun/{waiting.pk}/publish/']")
    page.wait_for_selector("#publish-confirm")
    walk.check("allocation-publish-confirm", units=("条",))
    waiting.refresh_from_db()
    assert not waiting.is_published
    # The run predates the tiers just published: the page warns and offers to recompute; publish anyway.
    page.click("#confirm-publish")
    page.wait_for_selector("text=定量已发布")
    waiting.refresh_from_db()
    assert waiting.is_published

    # A quota exception: retailer, product and cycle found by search, no database id typed.
    product = Product.objects.exclude(lifecycle="withdrawn").order_by("code").first()
    # a shop the product's release reaches (the run gave it a quota); its line may exceed its target
    line = SupplyPlanLine.objects.get(cycle=waiting.cycle, product=product)
    SupplyPlanLine.objects.filter(pk=line.pk).update(allow_over=True)
    shop = Retailer.objects.get(pk=int(quotas_frame(waiting, plan_line_ids=[line.pk])["retailer"].min()))
    walk.goto("/admin/allocation/quotaexception/add/")
    pick(walk, "cycle", waiting.cycle.label, waiting.cycle.label)
    pick(walk, "retailer", shop.license_no, shop.name)
    pick(walk, "product", product.code, product.name)
    page.fill("#id_quota", "2")
    page.fill("#id_reason", "新店开业，首期加量")
    walk.check("quota-exception-by-search", contains=(shop.name, product.name))
    page.click("button[name=_save]")
    # The cycle is published: the shop's quota now, the new one and the change, before anything is saved.
    page.wait_for_selector("#exception-confirm")
    walk.check("quota-exception-confirm", units=("条",), contains=(shop.name, product.name, "2 条"))
    assert not QuotaException.objects.exists()
    page.click("#confirm-exception")
    page.wait_for_selector("#changelist")
    exception = QuotaException.objects.get()
    assert (exception.retailer, exception.product, exception.cycle, exception.quota) == (
        shop,
        product,
        waiting.cycle,
        2,
    )
    walk.check("quota-exceptions", contains=(shop.name, "条"))

    # The import: upload → preview (nothing written, no run) → confirm → progress.
    runs = Run.objects.count()
    walk.goto("/admin/core/run/import/")
    walk.check("import-upload", contains=("1 · 上传", "2 · 预览"))
    page.select_option("#id_kind", "products")
    csv = "CIG_CODE,CIG_NAME,WHOLESALE_PRICE,RETAIL_PRICE\nX901,试销一号,100,120\nX902,试销二号,200,240\n"
    page.set_input_files("#id_file", files=[{"name": "新品.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    page.click("#content-main form [type=submit]")
    page.wait_for_selector("#import-preview")
    walk.check("import-preview", contains=("共 2 行：新增 2，更新 0，未变 0。",))
    assert Run.objects.count() == runs
    assert not Product.objects.filter(code__in=["X901", "X902"]).exists()
    page.click("#content-main [name=confirm]")
    page.wait_for_selector("#import-progress")
    walk.check("import-done")
    assert Product.objects.filter(code__in=["X901", "X902"]).count() == 2
    assert Run.objects.count() == runs + 1

    walk.goto("/admin/compliance/inspection/figures/")
    walk.check("compliance-figures", units=("%",))


def test_a_manager_finds_a_retailer_reads_its_tier_and_its_report(live_server, context, city):
    manager = get_user_model().objects.get(username="manager1")
    own = Retailer.objects.filter(manager=manager, status="active")
    walk = Walker(context(), live_server.url, "manager")
    page = walk.page
    staff_login(page, live_server.url, "manager1")
    page.wait_for_selector("#dashboard-cards")
    cards = walk.check("index", units=("户", "件"))
    assert f"{own.count()}\n户" in cards or str(own.count()) in cards

    # The retailer list, narrowed by its filters.
    walk.goto("/admin/retailers/retailer/")
    listed = Retailer.objects.filter(manager=manager)  # closed shops too
    assert walk.page.locator("#result_list tbody tr").count() == min(listed.count(), 50)
    page.click("#changelist a:has-text('过滤器')")
    page.wait_for_selector("#changelist-filter", state="visible")
    walk.check("retailers-filters", contains=("档位", "订货周期", "市场类型"))
    walk.goto("/admin/retailers/retailer/?order_cycle_kind__exact=weekly&status__exact=active")
    weekly = own.filter(order_cycle_kind="weekly")
    assert walk.page.locator("#result_list tbody tr").count() == min(weekly.count(), 50)
    walk.check("retailers-filtered", contains=("档位", "每周"))

    # A retailer's page: the tier and why.
    shop = own.filter(tier_changes__isnull=False).order_by("-tier").first()
    walk.goto(f"/admin/retailers/retailer/{shop.pk}/change/")
    page.wait_for_selector("#tier-explanation")
    explanation = walk.page.inner_text("#tier-explanation")
    assert "得分" in explanation
    assert "分数线" in explanation
    walk.check("retailer-tier-explanation", units=("元", "条"), contains=(f"D{shop.tier}",))

    walk.goto("/admin/profitability/profitrun/workspace/")
    page.wait_for_selector("#table-workspace")
    assert walk.page.locator("#table-workspace tbody tr").count() == own.count()
    walk.check("workspace", units=("元",))

    walk.goto(f"/admin/profitability/profitrun/retailer/{shop.pk}/")
    page.wait_for_selector("#profit-report")
    assert walk.page.locator("#profit-report .report-chart svg").count() >= 2
    walk.check("retailer-report", units=("元", "%"), contains=(shop.name,))

    walk.goto("/admin/compliance/inspection/figures/")
    walk.check("compliance-figures", units=("%",))


def test_a_retailer_walks_its_phone_pages(live_server, context, city):
    shop = Retailer.objects.filter(manager__username="manager1", status="active").order_by("-tier", "pk").first()
    shop.user = get_user_model().objects.create_user(username=shop.license_no, password=DEMO_PASSWORD, role="retailer")
    shop.save(update_fields=["user"])
    walk = Walker(context(phone=True), live_server.url, "retailer", width=NARROW)
    page = walk.page
    walk.goto("/m/login/")
    page.fill("#id_username", shop.license_no)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".quota")
    pages = [
        ("home", "/m/", ("条", "¥"), ("可订规格数", f"D{shop.tier}")),
        ("cycles", "/m/cycles/", (), ("订货周期",)),
        ("tier", "/m/tier/", ("元", "条", "分"), ("您的档位依据",)),
        ("stock", "/m/stock/", ("条",), ()),
        ("profit", "/m/profit/", ("¥", "%"), ("毛利",)),
        ("prices", "/m/prices/", ("¥",), ("每条", "每包")),
        ("notices", "/m/notices/", (), ("紧俏",)),
        ("requests", "/m/requests/", (), ("我的诉求",)),
        ("surveys", "/m/surveys/", (), ("测评",)),
        ("demand", "/m/demand/", ("条",), ("需求填报",)),
    ]
    for name, path, units, contains in pages:
        walk.goto(path)
        walk.check(f"phone-{name}", units=units, contains=contains, wide_first=False)
        if name == "profit":
            assert walk.page.locator("svg").count() >= 1  # the weekly profit chart
