"""When a cycle takes demand reports (docs/domain.md §9, as built): from its creation until its first
allocation run starts, at the latest until ordering opens; never once computed or published."""

import datetime as dt

import pytest

from allocation.models import SupplyPlanLine
from allocation.services import JOB, allocation_run_create
from core.models import Run, RunStatus
from cycles.models import CycleStatus, OrderCycle
from cycles.services import cycle_get_or_create
from demand.selectors import ALLOCATION_JOB, Closed, demand_window, open_demand_cycles

pytestmark = pytest.mark.django_db


def test_the_allocation_job_name_is_the_allocations_own():
    assert ALLOCATION_JOB == JOB


def test_a_draft_cycle_is_open_until_the_day_before_ordering_opens(cycle):
    # ordering opens Saturday 11-21: open on Friday 11-20, closed on Saturday
    assert cycle.order_opens_on == dt.date(2026, 11, 21)
    assert demand_window(cycle=cycle, today=dt.date(2026, 11, 9)).is_open
    window = demand_window(cycle=cycle, today=dt.date(2026, 11, 20))
    assert window.is_open
    assert window.last_day == dt.date(2026, 11, 20)
    closed = demand_window(cycle=cycle, today=dt.date(2026, 11, 21))
    assert (closed.is_open, closed.closed_because) == (False, Closed.ORDERING)


@pytest.mark.parametrize("status", [CycleStatus.COMPUTED, CycleStatus.PUBLISHED, CycleStatus.CLOSED])
def test_a_computed_published_or_closed_cycle_is_closed(cycle, today, status):
    OrderCycle.objects.filter(pk=cycle.pk).update(status=status)
    cycle.refresh_from_db()
    window = demand_window(cycle=cycle, today=today)
    assert (window.is_open, window.closed_because) == (False, Closed.STATUS)


@pytest.mark.parametrize("status", [RunStatus.RUNNING, RunStatus.FAILED, RunStatus.SUCCEEDED])
def test_a_started_allocation_run_closes_it_whatever_became_of_the_run(cycle, today, status):
    Run.objects.create(job=JOB, scope="2026-11-3", status=status)  # another cycle's run: no effect
    assert demand_window(cycle=cycle, today=today).is_open
    Run.objects.create(job=JOB, scope=cycle.label, status=status)
    window = demand_window(cycle=cycle, today=today)
    assert (window.is_open, window.closed_because) == (False, Closed.ALLOCATION)
    assert open_demand_cycles(today=today) == []


def test_open_cycles_earliest_first_without_those_whose_allocation_started(cycle, today):
    later = cycle_get_or_create(starts_on=dt.date(2026, 11, 30))
    past = cycle_get_or_create(starts_on=dt.date(2026, 11, 16))  # ordering opened 11-14
    assert past not in open_demand_cycles(today=today)
    assert open_demand_cycles(today=today) == [cycle, later]
    Run.objects.create(job=JOB, scope=cycle.label, status=RunStatus.SUCCEEDED)
    assert open_demand_cycles(today=today) == [later]


def test_the_allocation_run_itself_closes_the_window(cycle, today, products):
    SupplyPlanLine.objects.create(cycle=cycle, product=products[0], target=10, method="A")
    assert demand_window(cycle=cycle, today=today).is_open
    allocation_run_create(cycle=cycle)
    cycle.refresh_from_db()
    assert not demand_window(cycle=cycle, today=today).is_open
    OrderCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.DRAFT)  # even if set back to draft
    cycle.refresh_from_db()
    assert demand_window(cycle=cycle, today=today).closed_because == Closed.ALLOCATION
