"""The company's request policy with the defaults of docs/domain.md §9 (2 working days to answer, no
holidays listed yet), ready for a supervisor to edit in the admin, and its first history entry (the
selector reads these defaults from an unsaved row if there is none)."""

from django.db import migrations
from django.utils import timezone


def create(apps, schema_editor):
    RequestPolicy = apps.get_model("service_requests", "RequestPolicy")
    HistoricalRequestPolicy = apps.get_model("service_requests", "HistoricalRequestPolicy")
    if RequestPolicy.objects.exists():
        return
    policy = RequestPolicy.objects.create()  # the sequence hands out the id, so a later create never collides
    fields = {f.attname: getattr(policy, f.attname) for f in RequestPolicy._meta.concrete_fields}
    HistoricalRequestPolicy.objects.create(
        **fields, history_date=timezone.now(), history_type="+", history_change_reason="default policy"
    )


class Migration(migrations.Migration):
    dependencies = [("service_requests", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
