"""The company's compliance policy with the defaults of docs/domain.md §5, ready for a supervisor
to edit in the admin (the selector reads these defaults from an unsaved row if it is deleted)."""

from django.db import migrations


def create(apps, schema_editor):
    CompliancePolicy = apps.get_model("compliance", "CompliancePolicy")
    if not CompliancePolicy.objects.exists():
        CompliancePolicy.objects.create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
