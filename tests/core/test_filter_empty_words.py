"""A list filter's choice for the rows with nothing in the field reads in words, the same on every
filter (tester: 市场部, 客户经理 and 档位 offered "- (1)", Django's empty cell): 未填写 in Chinese, "Not
set" in English (core.admin_lists.EMPTY_CHOICE, given to every admin the site registers). The list's
empty cells are not filter choices and keep their own display."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from demo.services import demo_city_create
from tests.factories import BranchFactory, DepartmentFactory, RetailerFactory
from tests.words import EN, ZH

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]


def _filters(client, url: str, headers: dict, query: str = "") -> dict[str, list[str]]:
    """Each filter shown: its title → the words of its choices (after "All")."""
    response = client.get(url + query, **headers)
    assert response.status_code == 200, url
    cl = response.context["cl"]
    return {
        str(spec.title): [str(choice["display"]) for choice in list(spec.choices(cl))[1:]]
        for spec in cl.filter_specs
        if spec.has_output()
    }


@pytest.mark.parametrize(("headers", "empty"), [(ZH, "未填写"), (EN, "Not set")])
@pytest.mark.parametrize("query", ["", "?_facets=True"])
def test_the_none_choice_reads_in_words_on_each_filter(client, supervisor, manager_a, headers, empty, query):
    branch = BranchFactory()
    department = DepartmentFactory(branch=branch)
    RetailerFactory(manager=manager_a, branch=branch, department=department, tier=20)
    RetailerFactory(manager=None, branch=branch, department=None, tier=None)  # nothing in three fields
    client.force_login(supervisor)
    filters = _filters(client, reverse("admin:retailers_retailer_changelist"), headers, query)
    count = " (1)" if query else ""
    nones = [choices[-1] for choices in filters.values() if choices and choices[-1].startswith(empty)]
    assert nones == [empty + count] * 3  # market department, customer manager, tier: one word for all
    assert not [c for choices in filters.values() for c in choices if c == "-" or c.startswith("- (")]


def test_no_list_offers_a_dash_for_none(client, supervisor):
    """Every list of the site over a small demo city and a shop with nothing in its optional fields,
    as the supervisor sees it: no filter choice reads "-"."""
    demo_city_create(retailers=40, products=8, weeks=4, seed=1, today=dt.date(2026, 11, 22))
    RetailerFactory(manager=None, department=None, route=None, tier=None)
    client.force_login(supervisor)
    seen = 0
    for model, model_admin in admin.site._registry.items():
        if not model_admin.list_filter:
            continue
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        except NoReverseMatch:
            continue
        response = client.get(url + "?_facets=True", **ZH)
        if response.status_code != 200 or "cl" not in (response.context or {}):
            continue
        cl = response.context["cl"]
        for spec in cl.filter_specs:
            choices = [str(choice["display"]) for choice in spec.choices(cl)]
            assert not [c for c in choices if c == "-" or c.startswith("- (")], f"{url}: {spec.title}: {choices}"
            seen += sum(c.startswith("未填写") for c in choices)
    assert seen >= 3  # lists offer a none choice, in words
