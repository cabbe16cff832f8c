"""A shop area is greater than 0 m² on every path (tester 2026-11-27: manager1 saved shop_area=-5 on the
retailer's change form; the import refused it). The model field says so (`Retailer.shop_area`), so the
admin's form refuses it for each role that may edit it, as the customers import does."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.exceptions import InvalidInput
from core.imports.base import import_table
from core.imports.reading import read_table
from retailers.models import Retailer
from tests.security.rows import form_data

pytestmark = pytest.mark.django_db

REFUSED = "经营面积应大于 0 平方米。"


def test_the_field_refuses_zero_and_below(retailer_of_a):
    for area in ("-5", "0", "-0.1"):
        retailer_of_a.shop_area = Decimal(area)
        with pytest.raises(ValidationError) as refused:
            retailer_of_a.full_clean()
        assert refused.value.message_dict["shop_area"] == [REFUSED]
    retailer_of_a.shop_area = Decimal("0.1")
    retailer_of_a.full_clean()


@pytest.fixture(params=["supervisor", "manager_a"])
def editor(request):
    return request.getfixturevalue(request.param)


def test_the_change_form_refuses_a_negative_area_for_each_role(client, editor, retailer_of_a):
    retailer_of_a.shop_area = Decimal("20.0")
    retailer_of_a.save()
    client.force_login(editor)
    url = reverse("admin:retailers_retailer_change", args=[retailer_of_a.pk])
    data = form_data(client.get(url).context["adminform"].form)
    for area in ("-5", "0"):
        response = client.post(url, {**data, "shop_area": area})
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["shop_area"] == [REFUSED]
        assert Retailer.objects.get(pk=retailer_of_a.pk).shop_area == Decimal("20.0")
    assert client.post(url, {**data, "shop_area": "35.5"}).status_code == 302
    assert Retailer.objects.get(pk=retailer_of_a.pk).shop_area == Decimal("35.5")


def test_the_import_refuses_it_too(samples):
    frame = read_table(samples / "customers.xlsx")
    frame["SHOP_AREA"] = "20"
    frame.loc[3, "SHOP_AREA"] = "-5"
    with pytest.raises(InvalidInput) as refused:
        import_table(kind="customers", frame=frame)
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "SHOP_AREA")]
    assert not Retailer.objects.exists()
