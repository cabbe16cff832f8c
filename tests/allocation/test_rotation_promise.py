"""A rotation's reason promises only what the engine does (walker: a D5 shop read "下次将优先" in two
cycles running). Among retailers who waited as long, higher tiers come first, so a low tier left out
of one cycle can be left out of the next too: the text says so and never promises "next time"."""

import datetime as dt

import pytest
from django.utils import translation

from allocation.explanations import retailer_quota_explanations
from allocation.models import SupplyPlanLine
from allocation.selectors import quotas_frame
from allocation.services import allocation_run_create, allocation_run_publish
from cycles.services import cycle_get_or_create
from retailers.models import Retailer

pytestmark = pytest.mark.django_db


def test_a_low_tier_left_out_twice_was_never_promised_the_next_cycle(planned, supervisor):
    line = SupplyPlanLine.objects.get(cycle=planned, product__code="91000001")
    SupplyPlanLine.objects.filter(pk=line.pk).update(target=5, method="A", dimensions=[], cell_ratios={})
    SupplyPlanLine.objects.filter(cycle=planned).exclude(pk=line.pk).delete()  # a plan of this line alone: publishable
    first = allocation_run_create(cycle=planned, product_codes=["91000001"])
    allocation_run_publish(allocation_run=first, approver=supervisor)
    one = quotas_frame(first, include_unserved=True)
    one = one[one["plan_line"] == line.pk]
    served_first = set(one.loc[one["quota"] > 0, "retailer"])
    waiting = one[one["quota"] == 0]
    assert len(waiting) > 10  # more left out than two cycles of 5 cartons can serve
    lowest = int(waiting.sort_values(["tier", "retailer"]).iloc[0]["retailer"])
    retailer = Retailer.objects.get(pk=lowest)

    def reasons(cycle):
        with translation.override("zh-hans"):
            found = [
                q
                for q in retailer_quota_explanations(retailer=retailer, cycle=cycle)
                if q["product_code"] == "91000001"
            ]
        return " ".join(found[0]["reasons"])

    told = reasons(planned)
    assert "该周期您未获投放" in told
    assert "下次将优先" not in told
    assert "下次" not in told
    assert "等待同样久的档位高者在前" in told

    following = cycle_get_or_create(starts_on=planned.starts_on + dt.timedelta(weeks=1))
    SupplyPlanLine.objects.create(
        cycle=following, product=line.product, target=5, method="A", highest_tier=line.highest_tier,
        lowest_tier=line.lowest_tier,
    )  # fmt: skip
    second = allocation_run_create(cycle=following)
    allocation_run_publish(allocation_run=second, approver=supervisor)
    two = quotas_frame(second, include_unserved=True)
    two = two[two["plan_line"] == SupplyPlanLine.objects.get(cycle=following).pk]
    served_second = set(two.loc[two["quota"] > 0, "retailer"])
    # The engine's order: those who waited (never served) first, higher tiers first among them.
    assert served_second
    assert not served_first & served_second
    left = two[(two["quota"] == 0) & ~two["retailer"].isin(served_first)]
    assert two.loc[two["retailer"].isin(served_second), "tier"].min() >= left["tier"].max()
    # So the lowest tier waits again, and reads the same honest text again.
    assert lowest not in served_second
    assert "下次" not in reasons(following)
