"""A supply plan line's page speaks words (walker 13: 扩展维度 and 投放范围 read "[]", the product a bare id
box reading 1, the tiers bare numbers): dimensions as checkboxes by name, the scope as the areas the plan
import reads, the product by search, the tiers as D30 … D1, the tag filter by the flag's name. What is
saved is what the engine reads, and a page saved unchanged leaves the line as it was."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse

from allocation.models import ReleaseMethod, SupplyPlanLine
from retailers.models import CountyBranch
from tests.words import ZH

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(samples):
    call_command("import_data", "customers", str(samples / "customers.xlsx"))
    call_command("import_data", "products", str(samples / "products.xlsx"))
    call_command("import_data", "supply_plan", str(samples / "supply_plan.xlsx"))


def _form(html: str) -> str:
    return html.split('id="supplyplanline_form"', 1)[1].split("</form>", 1)[0]


def _form_data(html: str) -> dict[str, list[str]]:
    """The change form's fields as a browser posts them: every name with its values (checkboxes, selects)."""
    form = _form(html)
    data: dict[str, list[str]] = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        kind = kind.group(1) if kind else "text"
        if not name or kind in ("submit", "button", "file"):
            continue
        if kind in ("checkbox", "radio") and not re.search(r"\schecked(?=[\s/>])", tag):  # not class="checked:…"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        empty = "on" if kind in ("checkbox", "radio") else ""
        data.setdefault(name.group(1), []).append(unescape(value.group(1)) if value else empty)
    for name, body in re.findall(r'<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = [unescape(body.lstrip("\n"))]
    for name, body in re.findall(r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        data[name] = [unescape(v) for v in re.findall(r'<option value="([^"]*)"[^>]*selected', body)]
    return data


def _what_a_reader_sees(html: str) -> str:
    """The form's text and the values of its boxes (what is on screen), not the codes in attributes."""
    form = re.sub(r"<script\b.*?</script>", " ", _form(html), flags=re.S)
    boxes = [
        unescape(v)
        for tag in re.findall(r"<input\b[^>]*>", form)
        if not re.search(r'type="(hidden|checkbox|radio|submit)"', tag)
        for v in re.findall(r'value="([^"]*)"', tag)
    ]
    return " ".join([unescape(re.sub(r"<[^>]+>", " ", form)), *boxes])


def _row(line: SupplyPlanLine) -> dict:
    line.refresh_from_db()
    return {**model_to_dict(line, exclude=["selected_retailers"]), "selected": sorted(
        line.selected_retailers.values_list("pk", flat=True))}  # fmt: skip


def _line(etype_dims: list[str]) -> SupplyPlanLine:
    return next(line for line in SupplyPlanLine.objects.order_by("pk") if line.dimensions == etype_dims)


def test_the_page_in_chinese_shows_words_not_json_or_codes(client, supervisor, plan):
    client.force_login(supervisor)
    line = _line(["county", "market_type"])  # 档位+区县+市场类型, 东城区（城网）、青山（农网）,西岭（城网）
    line.tag_filter = "pos_supplier"
    line.save()
    page = client.get(reverse("admin:allocation_supplyplanline_change", args=[line.pk]), **ZH).content.decode()
    seen = _what_a_reader_sees(page)
    for raw in ("[", "{", "county", "market_type", "urban", "pos_supplier"):
        assert raw not in seen, raw
    assert "东城（城网）、青山（农网）、西岭（城网）" in seen  # the scope as the import reads it
    for name in ("区县局", "市场类型", "城乡分类", "业态", "商圈类型"):  # the dimensions by name
        assert name in seen
    data = _form_data(page)
    assert data["dimensions"] == ["county", "market_type"]
    assert data["highest_tier"] == ["30"]
    assert ">D30<" in page
    assert ">D1<" in page
    assert "POS数据共享客户" in seen
    # the product: a search picker (by code and name), showing the chosen product in words, not an id box
    product = re.search(r'<select\b[^>]*name="product"[^>]*>.*?</select>', _form(page), re.S).group(0)
    assert "admin-autocomplete" in product
    assert line.product.name in product
    assert 'name="product" value=' not in page


def test_every_line_saved_unchanged_stays_as_it_was(client, supervisor, plan):
    client.force_login(supervisor)
    for line in SupplyPlanLine.objects.order_by("pk"):
        before = _row(line)
        url = reverse("admin:allocation_supplyplanline_change", args=[line.pk])
        data = {**_form_data(client.get(url, **ZH).content.decode()), "_save": ["保存"]}
        answer = client.post(url, data, **ZH)
        assert answer.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", answer.content.decode(), re.S)
        assert _row(line) == before, (line, before)


def test_dimensions_and_areas_chosen_in_words_save_as_the_engine_reads_them(client, supervisor, plan):
    client.force_login(supervisor)
    line = SupplyPlanLine.objects.filter(method=ReleaseMethod.TIER, dimensions=[]).order_by("pk").first()
    url = reverse("admin:allocation_supplyplanline_change", args=[line.pk])
    data = _form_data(client.get(url, **ZH).content.decode())
    data.update(method=["B"], dimensions=["county", "market_type"], scope=["东城区（城网）、青山（农网）"],
                lowest_tier=["3"], _save=["保存"])  # fmt: skip
    answer = client.post(url, data, **ZH)
    assert answer.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", answer.content.decode(), re.S)
    line.refresh_from_db()
    branches = {b.short_name or b.name: b.pk for b in CountyBranch.objects.all()}
    east = next(pk for name, pk in branches.items() if name.startswith("东城"))
    hill = next(pk for name, pk in branches.items() if name.startswith("青山"))
    assert line.dimensions == ["county", "market_type"]
    assert line.scope == [{"county": east, "market_type": "urban"}, {"county": hill, "market_type": "rural"}]
    assert (line.lowest_tier, line.area_text) == (3, "东城区（城网）、青山（农网）")
    # one dimension, its value as the page names it
    data.update(dimensions=["market_type"], scope=["农网"])
    assert client.post(url, data, **ZH).status_code == 302
    line.refresh_from_db()
    assert (line.dimensions, line.scope) == (["market_type"], [{"market_type": "rural"}])


def test_an_area_not_understood_is_named_and_nothing_saved(client, supervisor, plan):
    client.force_login(supervisor)
    line = _line(["market_type"])
    before = _row(line)
    url = reverse("admin:allocation_supplyplanline_change", args=[line.pk])
    data = {**_form_data(client.get(url, **ZH).content.decode()), "scope": ["城网、火星"], "_save": ["保存"]}
    answer = client.post(url, data, **ZH)
    assert answer.status_code == 200
    assert "火星" in " ".join(re.findall(r"errorlist[^>]*>(.*?)</ul>", answer.content.decode(), re.S))
    assert _row(line) == before


def test_the_product_is_found_by_code_and_name(client, supervisor, plan):
    client.force_login(supervisor)
    line = SupplyPlanLine.objects.select_related("product").first()
    for term in (line.product.code, line.product.name):
        found = client.get(
            reverse("admin:autocomplete"),
            {"app_label": "allocation", "model_name": "supplyplanline", "field_name": "product", "term": term},
            **ZH,
        ).json()
        assert str(line.product.pk) in [r["id"] for r in found["results"]]
        assert any(line.product.name in r["text"] for r in found["results"])


def test_a_manager_reads_the_line_in_words_and_cannot_change_it(client, manager_a, plan):
    client.force_login(manager_a)
    line = _line(["county", "market_type"])
    before = _row(line)
    url = reverse("admin:allocation_supplyplanline_change", args=[line.pk])
    page = client.get(url, **ZH)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="dimensions"' not in body
    assert 'name="scope"' not in body
    assert "区县局 + 市场类型" in body
    assert "东城（城网）" in body
    posted = {**model_to_dict(line, exclude=["selected_retailers"]), "target": 1, "dimensions": ["county"],
              "scope": "东城区", "_save": "保存"}  # fmt: skip
    assert client.post(url, {k: v for k, v in posted.items() if v is not None}, **ZH).status_code == 403
    assert _row(line) == before
