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
    done = client.post(url, {"confirm": "1", "token": preview.context["token"], "kind": "customers", "filename": "customers.xlsx"})
    assert done.status_code == 302
    assert Retailer.objects.count() == 400


def test_import_page_lists_bad_rows(client, supervisor, tmp_path):
    client.force_login(supervisor)
    bad = tmp_path / "products.csv"
    bad.write_text("CIG_CODE,CIG_NAME,WHOLESALE_PRICE,RETAIL_PRICE\n1,a,100,120\n2,b,x,10\n", encoding="utf-8")
    with bad.open("rb") as f:
        page = client.post(reverse("admin:core_run_import"), {"kind": "products", "file": f})
    assert page.context["error_count"] == 1
    body = page.content.decode()
    assert "WHOLESALE_PRICE" in body
    assert "not a number" in body
    assert "未写入任何数据" in body


def test_chinese_catalog_is_complete_and_compiled():
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = re.findall(
        r'\n(?:msgctxt "(.*?)"\n)?msgid "(.+?)"\n(?:msgid_plural ".*?"\n)?msgstr(?:\[0\])? "(.*?)"\n', po
    )
    assert len(entries) > 150
    untranslated = [msgid for _context, msgid, msgstr in entries if not msgstr]
    assert untranslated == []
    assert "#, fuzzy" not in po.split("msgid", 2)[2]
    with (LOCALE / "django.mo").open("rb") as f:
        catalog = gettext.GNUTranslations(f)
    stale = [
        msgid
        for context, msgid, msgstr in entries
        if "%" not in msgid and (catalog.pgettext(context, msgid) if context else catalog.gettext(msgid)) != msgstr
    ]
    assert stale == [], "run `make messages` to recompile django.mo"


def test_import_confirm_rejects_a_forged_token(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:core_run_import"), {"confirm": "1", "token": "../../etc/passwd", "kind": "customers", "filename": "x.csv"}
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:core_run_import")
