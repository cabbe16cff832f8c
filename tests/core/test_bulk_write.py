import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from core.db import bulk_write, bulk_write_frames
from cycles.services import cycle_get_or_create
from orders.models import Order
from tests.factories import ProductFactory, RetailerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys():
    cycle = cycle_get_or_create(starts_on=dt.date(2026, 11, 16))
    retailers = [RetailerFactory().pk for _ in range(3)]
    products = [ProductFactory().pk for _ in range(2)]
    return cycle.pk, retailers, products


def test_frames_round_trip_ints_nulls_and_decimals(keys):
    cycle, retailers, products = keys
    frame = pd.DataFrame(
        {
            "cycle": np.full(4, cycle, dtype=np.int64),
            "retailer": np.array([retailers[0], retailers[0], retailers[1], retailers[2]], dtype=np.int64),
            "product": np.array([products[0], products[1], products[0], products[1]], dtype=np.int64),
            "ordered_qty": np.array([1, 20, 300, 0], dtype=np.int64),
            "quota": pd.array([5, None, 7, None], dtype="Int64"),
            "amount": np.array([12345, 99_999_999_99, 5, 0], dtype=np.int64),  # fen
        }
    )
    columns = ["cycle", "retailer", "product", "ordered_qty", "quota", "amount"]
    written = bulk_write_frames(Order, columns, [frame.iloc[:2], frame.iloc[2:]])
    assert written == 4
    got = list(Order.objects.order_by("retailer_id", "product_id").values_list("ordered_qty", "quota", "amount"))
    assert got == [
        (1, 5, Decimal("123.45")),
        (20, None, Decimal("99999999.99")),
        (300, 7, Decimal("0.05")),
        (0, None, Decimal("0.00")),
    ]


def test_rows_from_a_generator(keys):
    cycle, retailers, products = keys
    rows = ((cycle, r, products[0], 2, None, Decimal("10.50")) for r in retailers)
    assert bulk_write(Order, ["cycle", "retailer", "product", "ordered_qty", "quota", "amount"], rows) == 3
    assert sorted(Order.objects.values_list("amount", flat=True)) == [Decimal("10.50")] * 3


def test_frames_with_text_go_as_csv_keeping_empty_strings_and_nulls(db):
    from core.models import Run
    from tiers.models import ClassificationScheme, TierAssessment, TierProposal

    retailer = RetailerFactory()
    scheme = ClassificationScheme.objects.create(name="t")
    proposal = TierProposal.objects.create(
        run=Run.objects.create(job="t"), scheme=scheme, scheme_snapshot={}, as_of=dt.date(2026, 1, 1),
        window_start=dt.date(2025, 10, 1), window_end=dt.date(2026, 1, 1),
    )  # fmt: skip
    frame = pd.DataFrame(
        {
            "proposal": [proposal.pk], "retailer": [retailer.pk], "scope_key": [""], "amount": [-12345],
            "quantity": [7], "value_per_carton": [5], "score_amount": [1.25], "score_quantity": [0.0],
            "score_value_per_carton": [0.0], "score_credit": [0.0], "score_compliance": [0.0], "score": [1.25],
            "old_tier": pd.array([None], dtype="Int64"), "raw_tier": [3], "tier": [3], "national_type": ["CZ1"], "is_new": [True],
        }
    )  # fmt: skip
    assert bulk_write_frames(TierAssessment, list(frame.columns), [frame]) == 1
    row = TierAssessment.objects.get()
    assert (row.scope_key, row.amount, row.value_per_carton, row.old_tier) == (
        "",
        Decimal("-123.45"),
        Decimal("0.05"),
        None,
    )
    assert (row.score, row.national_type, row.is_new) == (1.25, "CZ1", True)


def test_bulk_update_saves_each_rows_own_values_and_leaves_other_fields():
    """Three shops, each given its own tier, area, flags and text (blanks and NULLs too); the fields
    not named, and a fourth shop not given, keep what they held."""
    from core.db import bulk_update
    from retailers.models import Retailer

    shops = [RetailerFactory(tier=5, name=f"shop {n}", shop_area=Decimal("10.0")) for n in range(4)]
    changes = [
        (None, Decimal("12.5"), True, "新名 一"),  # tier cleared (NULL)
        (30, None, False, ""),  # area cleared, name blank
        (1, Decimal("0.1"), True, "a'b\t\"c\\d"),  # quoting: COPY and SQL escapes
    ]
    before = {s.pk: (s.owner_name, s.license_no) for s in shops}
    for shop, (tier, area, vulnerable, name) in zip(shops, changes, strict=False):
        shop.tier, shop.shop_area, shop.is_vulnerable, shop.name = tier, area, vulnerable, name
        shop.owner_name = "not saved"  # a field not named stays as stored
    assert bulk_update(shops[:3], ["tier", "shop_area", "is_vulnerable", "name"]) == 3
    stored = {r.pk: r for r in Retailer.objects.filter(pk__in=[s.pk for s in shops])}
    for shop, (tier, area, vulnerable, name) in zip(shops, changes, strict=False):
        got = stored[shop.pk]
        assert (got.tier, got.shop_area, got.is_vulnerable, got.name) == (tier, area, vulnerable, name)
        assert (got.owner_name, got.license_no) == before[shop.pk]
    untouched = stored[shops[3].pk]
    assert (untouched.tier, untouched.shop_area, untouched.name) == (5, Decimal("10.0"), "shop 3")
    assert bulk_update([], ["tier"]) == 0
