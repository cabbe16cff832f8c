"""An id that is the key of no row is a missing record, never a server error (tester 2026-11-27).

A letter, a fraction or a number past the column (`?retailer=abc`, `cycle=99999999999999999999999`) given
to an admin form's search picker or id box redraws it with nothing chosen and, posted, is refused as
"Select a valid choice"; a record's pages (`<id>/change/`, its history, its delete page, the admins' own
pages: override tier, quotas, report, publish…) answer as for an id no record has; a list filtered by such
a number says its filter is wrong. Every admin and inline on the site, every role (`core.admin_site`)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.contrib import admin
from django.db import models
from django.urls import URLPattern, reverse

from accounts.models import Role
from retailers.models import ServiceRoute
from tests.factories import DepartmentFactory, RetailerFactory, UserFactory

pytestmark = pytest.mark.django_db

BAD = ["abc", "1.5", "99999999999999999999999"]  # a letter, a fraction, past a 64-bit column
PAST = "99999999999999999999999"
MISSING = str(2**62)  # a number the column holds, that no record has


def _picker_fields():
    """Every admin form field chosen by a search picker or typed as an id: (model, inline, field)."""
    found = []
    for model, model_admin in admin.site._registry.items():
        names = (*model_admin.autocomplete_fields, *model_admin.raw_id_fields)
        found += [pytest.param(model, None, name, id=f"{model._meta.label}.{name}") for name in names]
        for inline in model_admin.inlines:
            label = f"{model._meta.label}+{inline.model._meta.label}"
            names = (*inline.autocomplete_fields, *inline.raw_id_fields)
            found += [pytest.param(model, inline, name, id=f"{label}.{name}") for name in names]
    return found


PICKER_FIELDS = _picker_fields()


def test_the_site_has_the_forms_the_tester_broke():
    names = {p.id for p in PICKER_FIELDS}
    assert {"allocation.QuotaException.retailer", "allocation.QuotaException.cycle",
            "allocation.QuotaException.product", "retailers.Retailer.route", "retailers.Retailer.department"} <= names  # fmt: skip


@pytest.fixture
def people(db):
    supervisor = UserFactory(username="boss", role=Role.SUPERVISOR)
    manager = UserFactory(username="mgr_a", role=Role.MANAGER)
    department = DepartmentFactory()
    route = ServiceRoute.objects.create(department=department, name="一号线")
    shop = RetailerFactory(manager=manager, department=department, route=route, shop_area=20)
    return {"supervisor": supervisor, "manager": manager, "shop": shop}


ROLES = ["supervisor", "manager"]


def _select(body: str, name: str) -> str | None:
    found = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', body, re.S)
    return found.group(1) if found else None


def _nothing_chosen(body: str, name: str) -> None:
    options = _select(body, name)
    if options is not None:  # a search picker: no option chosen but the empty one
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', options)
        assert chosen in ([], [""]), chosen


def _refused(response, name: str) -> None:
    form = response.context["adminform"].form
    codes = [e.code for e in form.errors.as_data().get(name, [])]
    if isinstance(form.fields[name], forms.ModelMultipleChoiceField):  # ids typed in one box, "1,2"
        assert codes, form.errors
        assert set(codes) <= {"invalid_list", "invalid_pk_value", "invalid_choice"}, form.errors
    else:
        assert codes == ["invalid_choice"], form.errors
        assert "选择一个有效的选项" in response.content.decode()
    _nothing_chosen(response.content.decode(), name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("model", "inline", "name"), PICKER_FIELDS)
def test_a_bad_id_in_a_picker_is_redrawn_empty_and_refused(client, people, role, model, inline, name):
    client.force_login(people[role])
    add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    for bad in BAD:
        shown = client.get(add, {name: bad})  # as a link from another page fills the form
        assert shown.status_code in (200, 403), (bad, shown.status_code)
        if shown.status_code == 200 and inline is None:
            _nothing_chosen(shown.content.decode(), name)
        posted = client.post(add, {name: bad})
        assert posted.status_code in (200, 403), (bad, posted.status_code)
        if posted.status_code == 200 and inline is None and name in posted.context["adminform"].form.fields:
            _refused(posted, name)


def _form_data(form) -> dict:
    """The change form's own values, as a browser posts them back."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("model", "inline", "name"), [p for p in PICKER_FIELDS if p.values[1] is None])
def test_a_bad_id_posted_on_a_change_form_is_refused(client, people, role, model, inline, name):
    """A manager's own retailer with `route=abc` (`route=-1` was already a form error)."""
    client.force_login(people[role])
    obj = model._default_manager.first()
    if obj is None:
        pytest.skip(f"no {model._meta.label} to change here")
    change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    shown = client.get(change)
    if shown.status_code != 200 or name not in shown.context["adminform"].form.fields:
        return  # not this role's to change
    data = _form_data(shown.context["adminform"].form)
    for bad in [*BAD, "-1"]:
        _refused(client.post(change, {**data, name: bad}), name)
    assert client.post(change, data).status_code == 302  # the form as it was still saves


def test_the_retailer_form_the_manager_changes_has_a_route_picker(client, people):
    client.force_login(people["manager"])
    shop = people["shop"]
    change = reverse("admin:retailers_retailer_change", args=[shop.pk])
    data = _form_data(client.get(change).context["adminform"].form)
    assert "route" in data
    _refused(client.post(change, {**data, "route": "abc"}), "route")


# --- a record's pages ---------------------------------------------------------------------------


def _id_urls(model_admin, value: str) -> list[str]:
    """Each named address of this admin that takes ids (change, history, delete, its own pages), with `value`."""
    urls = []
    for pattern in model_admin.get_urls():
        if not isinstance(pattern, URLPattern) or not pattern.name or not pattern.pattern.converters:
            continue
        urls.append(reverse(f"admin:{pattern.name}", kwargs=dict.fromkeys(pattern.pattern.converters, value)))
    return urls


ADMINS = [pytest.param(model, id=model._meta.label) for model in admin.site._registry]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ADMINS)
def test_an_id_past_the_column_is_a_missing_record_on_every_admin_page(client, people, role, model):
    client.force_login(people[role])
    model_admin = admin.site._registry[model]
    past, missing = _id_urls(model_admin, PAST), _id_urls(model_admin, MISSING)
    assert past
    for url, like in zip(past, missing, strict=True):
        response, expected = client.get(url), client.get(like)
        assert response.status_code != 500, url
        went = response.get("Location", "").replace(PAST, MISSING)
        assert (response.status_code, went) == (expected.status_code, expected.get("Location", "")), url


def test_a_compliance_standing_past_the_column_is_missing_for_each_role(client, people):
    for role in ROLES:
        client.force_login(people[role])
        for page in ("change", "history", "delete"):
            url = reverse(f"admin:compliance_compliancestanding_{page}", args=[PAST])
            assert client.get(url).status_code in (302, 403, 404), (role, page)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ADMINS)
def test_a_list_filtered_by_a_number_past_the_column_says_the_filter_is_wrong(client, people, role, model):
    """`?cycle=99999999999999999999999` on the exceptions, `?groups=…` on users: Django's "?e=1"."""
    client.force_login(people[role])
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    keys = [f.name for f in model._meta.get_fields() if f.concrete and (f.is_relation or f.primary_key)]
    for key in keys:
        for lookup in (key, f"{key}__in", f"{key}__gt"):
            response = client.get(url, {lookup: PAST})
            assert response.status_code in (200, 302, 400, 403), (lookup, response.status_code)
            if response.status_code == 302:
                assert response["Location"].endswith("?e=1"), (lookup, response["Location"])


def test_the_keys_read_as_their_columns_do():
    from compliance.models import ComplianceStanding
    from core.admin_autocomplete import is_key

    pk = ComplianceStanding._meta.pk  # the standing's retailer
    assert is_key(pk, "12")
    assert is_key(pk, 2**63 - 1)
    assert not any(is_key(pk, v) for v in ("abc", "1.5", "", None, str(2**63), "9" * 5000))
    assert isinstance(pk, models.OneToOneField)


def test_ids_of_several_records_past_the_column_are_refused_not_looked_up(people):
    from core.admin_autocomplete import CheckedModelMultipleChoiceField
    from retailers.models import Retailer

    field = CheckedModelMultipleChoiceField(queryset=Retailer.objects.all())
    shop = people["shop"]
    assert list(field.clean([str(shop.pk)])) == [shop]
    for bad in BAD:
        with pytest.raises(forms.ValidationError) as refused:
            field.clean([str(shop.pk), bad])
        assert refused.value.code == "invalid_pk_value"
