"""The run report counts an exception's cartons in the cell the run took them from (tester): a run holds
an excepted shop's cartons in the cell it finds the shop in today, and takes what goes beyond that cell's
target (or what a shop no cell reaches holds) off the cell with the most left (`engine.compute._tier_line`,
`CellReport.figures["held"]`). The report read them in the cell the exception kept when approved, so one
cell read above its target and another read cartons "not released" that the line did not lose: its rows
did not add up to the line (the publish page's figures). Every figure below is hand computed."""

import datetime as dt

import pytest

from allocation.models import SupplyPlanLine
from allocation.reports import publish_summary, report_glance, report_rows
from allocation.selectors import quotas_frame
from allocation.services import allocation_run_create, quota_exception_set
from cycles.services import cycle_get_or_create
from retailers.models import Retailer
from tests.factories import BranchFactory, ProductFactory, RetailerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    return cycle_get_or_create(starts_on=dt.date(2026, 11, 30))


def _line(cycle, target: int) -> SupplyPlanLine:
    """Method B by market type over every tier: cells rural and urban, T split by eligible retailers."""
    return SupplyPlanLine.objects.create(
        cycle=cycle, product=ProductFactory(), target=target, method="B", dimensions=["market_type"]
    )


def _shops(urban: int, rural: int) -> tuple[list, list]:
    branch = BranchFactory()
    return (
        [RetailerFactory(branch=branch, tier=10, market_type="urban") for _ in range(urban)],
        [RetailerFactory(branch=branch, tier=10, market_type="rural") for _ in range(rural)],
    )


def _cells(run, line) -> dict[str, tuple]:
    """Cell → (target, released, exceptions, released after exceptions, not released)."""
    return {
        r["cell"]: (r["target"], r["released"], r["exceptions"], r["released_after_exceptions"], r["unreleased"])
        for r in report_rows(run)
        if r["product_code"] == line.product.code
    }


def _held(run, line) -> int:
    return int(quotas_frame(run, plan_line_ids=[line.pk])["quota"].sum())


def test_cartons_held_beyond_the_shops_cell_count_where_the_run_took_them(cycle, supervisor):
    (u1, _u2), _rural = _shops(2, 2)
    line = _line(cycle, 20)
    # approved before any run: 15 of the line's 20 (the whole line's target bounds it)
    quota_exception_set(
        cycle=cycle, product=line.product, retailer=u1, quota=15, reason="开业支持", approver=supervisor
    )
    run = allocation_run_create(cycle=cycle)
    # T 20 splits 10 : 10 (2 shops each). Urban: 15 held > 10, so u2 gets 0 and the 5 beyond come off rural:
    # rural searches 10 − 5 = 5 over 2 shops in D10: cap 2, 4 released, 1 lost. Quotas: 15 + 2 + 2 = 19
    assert _held(run, line) == 19
    assert _cells(run, line) == {
        "城网": (10, 0, 10, 10, 0),  # 10 of its 10 held (was: +15, 15 after, 150 % of its target)
        "农网": (10, 4, 5, 9, 1),  # 5 of its target held for urban's shop (was: +0, 6 not released)
    }
    summary = publish_summary(run)
    assert (summary.target, summary.released, summary.unreleased) == (20, 19, 1)
    assert sum(r["unreleased"] for r in report_rows(run)) == summary.unreleased
    assert max(report_glance(r)["released_share"] for r in report_rows(run)) == 100.0


def test_an_excepted_shop_that_moved_cell_counts_in_the_cell_the_run_found_it_in(cycle, supervisor):
    (moved, *_urban), _rural = _shops(3, 3)
    line = _line(cycle, 30)
    quota_exception_set(
        cycle=cycle, product=line.product, retailer=moved, quota=5, reason="开业支持", approver=supervisor
    )
    Retailer.objects.filter(pk=moved.pk).update(market_type="rural")  # the registry moved it after the approval
    run = allocation_run_create(cycle=cycle)
    # 2 urban and 4 rural shops: 10 : 20. Rural holds the moved shop's 5: 15 over 3 shops, 5 each; urban 5 each
    assert _held(run, line) == 30
    assert _cells(run, line) == {"城网": (10, 10, 0, 10, 0), "农网": (20, 15, 5, 20, 0)}
    # (was: urban +5, 15 after, rural 5 not released)


def test_an_exception_changed_after_the_run_counts_only_its_change_on_top(cycle, supervisor):
    (u1, *_urban), _rural = _shops(2, 2)
    line = _line(cycle, 20)
    quota_exception_set(
        cycle=cycle, product=line.product, retailer=u1, quota=15, reason="开业支持", approver=supervisor
    )
    run = allocation_run_create(cycle=cycle)
    # lowered after the run (always allowed): the run held 15 (urban 10, rural 5); 12 now is 3 less, in its cell
    quota_exception_set(cycle=cycle, product=line.product, retailer=u1, quota=12, reason="调整", approver=supervisor)
    assert _held(run, line) == 16
    assert _cells(run, line) == {"城网": (10, 0, 7, 7, 3), "农网": (10, 4, 5, 9, 1)}
    summary = publish_summary(run)
    assert (summary.target, summary.released, summary.unreleased) == (20, 16, 4)
