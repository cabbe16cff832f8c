from django.db import migrations


def create(apps, schema_editor):
    Scheme = apps.get_model("tiers", "ClassificationScheme")
    if not Scheme.objects.filter(is_active=True).exists():
        Scheme.objects.create(name="默认方案", is_active=True)


class Migration(migrations.Migration):
    dependencies = [("tiers", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
