"""The admin a supervisor and a manager use: every list renders in Chinese with filters, search and export."""

import datetime as dt
import gettext
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import reverse

from demo.services import demo_city_create

pytestmark = pytest.mark.django_db
LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


@pytest.fixture
def city():
    demo_city_create(retailers=120, products=15, weeks=2, seed=5, today=dt.date(2026, 11, 22))


def test_every_admin_list_renders_with_filters_and_search(client, supervisor, city):
    client.force_login(supervisor)
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = client.get(url)
        assert page.status_code == 200, url
        if model._meta.model_name == "compliancepolicy":  # one row of settings: nothing to search or filter
            continue
        if model._meta.app_label in {"retailers", "pricing", "orders", "core", "accounts"}:
            assert model_admin.search_fields, f"{url} has no search"
            if model._meta.model_name != "countybranch":  # a handful of rows: nothing to filter by
                assert model_admin.list_filter, f"{url} has no filters"


def test_admin_speaks_chinese_by_default_and_english_on_request(client, supervisor, city):
    client.force_login(supervisor)
    url = reverse("admin:retailers_retailer_changelist")
    body = client.get(url).content.decode()
    assert "零售户" in body
    assert "档位" in body
    assert "客户经理" in body
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url).content.decode()
    assert "Retailers" in english
    assert "tier" in english.lower()


def test_retailer_filters_and_search(client, supervisor, city):
    from retailers.models import Retailer

    client.force_login(supervisor)
    url = reverse("admin:retailers_retailer_changelist")
    page = client.get(url, {"tier__exact": "30", "market_type__exact": "urban"})
    assert set(page.context["cl"].queryset.values_list("tier", "market_type")) == {(30, "urban")}
    one = Retailer.objects.first()
    for term in (one.license_no, one.phone, one.customer_code):
        found = client.get(url, {"q": term}).context["cl"].queryset
        assert one in found


def test_xlsx_export_of_retailers(client, supervisor, city):
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:retailers_retailer_export"),
        {"format": "1", "resource": "0", "retailerresource_customer_code": "on", "retailerresource_tier": "on"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 121  # header + 120 retailers


def test_import_page_previews_then_imports(client, supervisor, samples):
    client.force_login(supervisor)
    url = reverse("admin:core_run_import")
    with open(samples / "customers.xlsx", "rb") as f:
        preview = client.post(url, {"kind": "customers", "file": f})
    assert preview.status_code == 200
    assert preview.context["preview"].created == 400
    from retailers.models import Retailer

    assert Retailer.objects.count() == 0  # preview writes nothing
    from core.models import Run

    assert not Run.objects.exists()  # and is no job run
    done = client.post(url, {"confirm": "1", "token": preview.context["token"]})
    assert done.status_code == 302
    assert Retailer.objects.count() == 400
    run = Run.objects.get()  # the confirmed import is the one run
    assert (run.job, run.status, run.progress) == ("import_customers", "succeeded", 100)
    assert done.url == reverse("admin:core_run_import_progress", args=[run.pk])
    page = client.get(done.url).content.decode()
    assert 'value="100"' in page
    assert "已导入 400 行：新增 400，更新 0，未变 0。" in page
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing


def test_import_page_lists_bad_rows(client, supervisor, tmp_path):
    client.force_login(supervisor)
    bad = tmp_path / "products.csv"
    bad.write_text("CIG_CODE,CIG_NAME,WHOLESALE_PRICE,RETAIL_PRICE\n1,a,100,120\n2,b,x,10\n", encoding="utf-8")
    with bad.open("rb") as f:
        page = client.post(reverse("admin:core_run_import"), {"kind": "products", "file": f})
    assert page.context["error_count"] == 1
    body = page.content.decode()
    assert "WHOLESALE_PRICE" in body
    assert "不是数字" in body  # the reason in the page's language
    assert "未写入任何数据" in body


def _po_entries(po: str) -> list[tuple[str | None, str, list[str], bool]]:
    """(context, msgid, msgstrs, fuzzy) per entry of a .po file, continuation lines joined and
    escapes read (the header and obsolete entries left out)."""
    unescape = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}

    def text(quoted: str) -> str:
        return re.sub(r"\\(.)", lambda m: unescape.get(m.group(1), m.group(1)), quoted[1:-1])

    entries = []
    for block in po.split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = text(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += text(line)
        if fields.get("msgid"):
            strs = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            entries.append((fields.get("msgctxt"), fields["msgid"], strs, fuzzy))
    return entries


def test_chinese_catalog_is_complete_and_compiled():
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = _po_entries(po)
    assert len(entries) > 150
    untranslated = [msgid for _context, msgid, msgstrs, _fuzzy in entries if not all(msgstrs)]
    assert untranslated == []
    assert [msgid for _c, msgid, _s, fuzzy in entries if fuzzy] == []
    with (LOCALE / "django.mo").open("rb") as f:
        catalog = gettext.GNUTranslations(f)
    stale = [
        msgid
        for context, msgid, msgstrs, _fuzzy in entries
        if "%" not in msgid
        and len(msgstrs) == 1
        and (catalog.pgettext(context, msgid) if context else catalog.gettext(msgid)) != msgstrs[0]
    ]
    assert stale == [], "run `make messages` to recompile django.mo"


def test_import_confirm_rejects_a_forged_token(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:core_run_import"), {"confirm": "1", "token": "../../etc/passwd", "kind": "customers", "filename": "x.csv"}
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:core_run_import")
