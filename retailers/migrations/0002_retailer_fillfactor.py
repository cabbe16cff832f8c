"""Leave room on each page of the retailer table so tier and status updates stay HOT
(no index maintenance) on PostgreSQL. SQLite has no such setting."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE retailers_retailer SET (fillfactor = 85)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE retailers_retailer RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("retailers", "0001_initial")]
    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
