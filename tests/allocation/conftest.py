import pytest
from django.core.management import call_command

from allocation.models import SupplyPlanLine


@pytest.fixture
def planned(samples):
    """The sample city's registry, catalogue and two-week supply plan; returns the plan's first cycle."""
    call_command("import_data", "customers", str(samples / "customers.xlsx"))
    call_command("import_data", "products", str(samples / "products.xlsx"))
    call_command("import_data", "supply_plan", str(samples / "supply_plan.xlsx"))
    return SupplyPlanLine.objects.first().cycle
