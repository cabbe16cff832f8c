"""A supervisor edits an unpublished supply plan line in the admin as a browser does: the form posted
back with every field as the page rendered it, only the target changed (tester, walk 13: a method A
line's empty 选定零售户 rendered as "[]" and the save failed with 输入一系列值。)."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse

from allocation.models import ReleaseMethod, SupplyPlanLine


def _form_data(html: str) -> dict[str, str | list[str]]:
    """The fields of the page's change form as a browser posts them (inputs, textareas, selects)."""
    form = html.split('id="supplyplanline_form"', 1)[1].split("</form>", 1)[0]
    data: dict[str, str | list[str]] = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or (kind and kind.group(1) in ("submit", "button", "file")):
            continue
        if kind and kind.group(1) == "checkbox" and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = (
            unescape(value.group(1)) if value else ("on" if kind and kind.group(1) == "checkbox" else "")
        )
    for name, body in re.findall(r'<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = unescape(body.lstrip("\n"))
    for name, body in re.findall(r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', body)
        if chosen:
            data[name] = [unescape(c) for c in chosen] if "multiple" in body else unescape(chosen[0])
    return data


def test_a_plan_line_saves_back_as_the_page_shows_it(client, supervisor, samples):
    from django.core.management import call_command

    call_command("import_data", "customers", str(samples / "customers.xlsx"))
    call_command("import_data", "products", str(samples / "products.xlsx"))
    call_command("import_data", "supply_plan", str(samples / "supply_plan.xlsx"))
    line = SupplyPlanLine.objects.filter(method=ReleaseMethod.TIER).first()
    client.force_login(supervisor)
    url = reverse("admin:allocation_supplyplanline_change", args=[line.pk])
    page = client.get(url).content.decode()
    data = _form_data(page)
    assert data.get("selected_retailers", "") == ""  # none chosen: an empty box, not "[]"
    data["target"] = str(line.target + 7)
    data["_save"] = "Save"
    answer = client.post(url, data)
    assert answer.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", answer.content.decode(), re.S)
    line.refresh_from_db()
    assert line.target == int(data["target"])


def test_chosen_retailers_show_as_ids_and_save_back(client, supervisor, samples):
    """Method E's chosen retailers: their ids in the box (12,40), kept when the page is saved back."""
    from django.core.management import call_command

    from retailers.models import Retailer

    call_command("import_data", "customers", str(samples / "customers.xlsx"))
    call_command("import_data", "products", str(samples / "products.xlsx"))
    call_command("import_data", "supply_plan", str(samples / "supply_plan.xlsx"))
    line = SupplyPlanLine.objects.filter(method=ReleaseMethod.TIER).first()
    chosen = sorted(Retailer.objects.order_by("pk").values_list("pk", flat=True)[:2])
    line.selected_retailers.set(chosen)
    client.force_login(supervisor)
    url = reverse("admin:allocation_supplyplanline_change", args=[line.pk])
    data = _form_data(client.get(url).content.decode())
    assert data["selected_retailers"] == f"{chosen[0]},{chosen[1]}"
    data["_save"] = "Save"
    assert client.post(url, data).status_code == 302
    assert sorted(line.selected_retailers.values_list("pk", flat=True)) == chosen
