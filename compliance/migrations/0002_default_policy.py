"""The company's compliance policy with the defaults of docs/domain.md §5, ready for a supervisor
to edit in the admin, and its first history entry (the selector reads these defaults from an
unsaved row if there is none)."""

from django.db import migrations
from django.utils import timezone


def create(apps, schema_editor):
    CompliancePolicy = apps.get_model("compliance", "CompliancePolicy")
    HistoricalCompliancePolicy = apps.get_model("compliance", "HistoricalCompliancePolicy")
    if CompliancePolicy.objects.exists():
        return
    policy = CompliancePolicy.objects.create()  # the sequence hands out the id, so a later create never collides
    fields = {f.attname: getattr(policy, f.attname) for f in CompliancePolicy._meta.concrete_fields}
    HistoricalCompliancePolicy.objects.create(
        **fields, history_date=timezone.now(), history_type="+", history_change_reason="default policy"
    )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
