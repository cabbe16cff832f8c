"""The real path: a cycle's plan fans out over the `allocation` queue as a chord on a real worker."""

import time

import pytest
from django.core.management import call_command
from django.test import override_settings

from allocation.models import AllocationRun, CellReport, SupplyPlanLine
from allocation.services import allocation_run_create
from core.models import Run, RunStatus
from cycles.models import CycleStatus

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@override_settings(ALLOCATION_GROUP_SIZE=3)
def test_chord_over_product_groups_completes_the_run(celery_worker_process, samples):
    call_command("import_data", "customers", str(samples / "customers.xlsx"))
    call_command("import_data", "products", str(samples / "products.xlsx"))
    call_command("import_data", "supply_plan", str(samples / "supply_plan.xlsx"))
    cycle = SupplyPlanLine.objects.first().cycle
    in_process = allocation_run_create(cycle=cycle)
    expected = sorted(CellReport.objects.filter(allocation=in_process).values_list("plan_line", "cell", "released"))
    fanned = allocation_run_create(cycle=cycle, fan_out=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        run = Run.objects.get(pk=fanned.run_id)
        if run.status != RunStatus.RUNNING:
            break
        time.sleep(0.5)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.progress == 100
    fanned = AllocationRun.objects.get(pk=fanned.pk)
    assert fanned.is_complete
    assert sorted(CellReport.objects.filter(allocation=fanned).values_list("plan_line", "cell", "released")) == expected
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.COMPUTED
