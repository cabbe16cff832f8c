"""The retailer list's filters with counts shown (显示计数), as manager1 read them (tester 2026-11-27): tiers
read "20 (10)" instead of "D20 (10)"; 市场部 and 客户经理 offered "- (0)" though every shop has both; and
the 客户经理 filter offered only the manager themself. Now: D20 (10); the "none" choice only when a row the
user may see has none; no filter by customer manager for a customer manager."""

import pytest
from django.urls import reverse

from tests.factories import BranchFactory, DepartmentFactory, RetailerFactory
from tests.words import ZH

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]
URL = reverse("admin:retailers_retailer_changelist")


def _filters(client, query: str = "?_facets=True") -> dict[str, list[str]]:
    """Each filter shown: its title → the words of its choices (after "All")."""
    response = client.get(URL + query, **ZH)
    assert response.status_code == 200
    cl = response.context["cl"]
    return {
        str(spec.title): [str(choice["display"]) for choice in list(spec.choices(cl))[1:]]
        for spec in cl.filter_specs
        if spec.has_output()
    }


@pytest.fixture
def shops(manager_a, manager_b):
    branch = BranchFactory()
    department = DepartmentFactory(branch=branch)
    other = DepartmentFactory(branch=branch)
    RetailerFactory.create_batch(3, manager=manager_a, branch=branch, department=department, tier=20)
    RetailerFactory(manager=manager_a, branch=branch, department=other, tier=7)
    RetailerFactory(manager=manager_b, branch=branch, department=None, tier=7)
    RetailerFactory(manager=None, branch=branch, department=department, tier=None)
    return department, other


def test_a_managers_filters_with_counts(client, manager_a, shops):
    department, other = shops
    client.force_login(manager_a)
    filters = _filters(client)
    assert filters["档位"] == ["D7 (1)", "D20 (3)"]  # not "20 (3)"
    assert filters["市场部"] == [f"{department} (3)", f"{other} (1)"]  # no "- (0)": every shop has one
    assert "客户经理" not in filters  # a manager sees only their own shops
    assert not any(choice.startswith("-") for choices in filters.values() for choice in choices)
    assert _filters(client, "")["档位"] == ["D7", "D20"]  # without counts as before


def test_a_supervisor_is_offered_none_where_rows_have_none(client, supervisor, manager_a, shops):
    department, _other = shops
    client.force_login(supervisor)
    filters = _filters(client)
    assert filters["档位"][-1].endswith("(1)")  # the shop with no tier
    assert filters["档位"][:2] == ["D7 (2)", "D20 (3)"]
    assert filters["市场部"][-1] == "未填写 (1)"  # manager_b's shop has no department (in words, not "-")
    assert any(choice.startswith(str(manager_a)) for choice in filters["客户经理"])
    assert filters["客户经理"][-1] == "未填写 (1)"
