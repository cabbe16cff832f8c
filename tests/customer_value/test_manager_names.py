"""The customer value overview names each customer manager by name (王经理1, not manager1 · 王经理1), in
natural order (王经理2 before 王经理10; tester 2026-11-28: manager1, manager10, manager11, …)."""

import pytest
from django.contrib.auth import get_user_model

from core.display import natural_key
from customer_value.selectors import overview_by_manager

pytestmark = pytest.mark.django_db


def test_managers_by_name_in_natural_order(values):
    User = get_user_model()
    User.objects.filter(username="manager2").update(first_name="王经理10")  # a name sorting 2 → 10
    _run, rows = overview_by_manager(user=User.objects.get(username="supervisor"))
    labels = [r.label for r in rows]
    assert len(labels) > 2
    assert not any("manager" in label for label in labels), labels
    assert labels == sorted(labels, key=natural_key)
    names = dict(User.objects.filter(role="manager").values_list("pk", "first_name"))
    assert all(r.label == names[r.manager_id] for r in rows if r.manager_id)
