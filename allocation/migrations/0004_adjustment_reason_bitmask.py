"""QuotaAdjustment.reasons: comma-separated rule codes → a `Reason` bitmask (binary COPY)."""

from django.db import migrations, models

CODES = {"rotation": 1, "credit": 2, "ceiling": 4, "vulnerable": 8, "demand": 16, "selected": 32}


def codes_to_mask(apps, schema_editor):
    adjustment = apps.get_model("allocation", "QuotaAdjustment")
    for text in adjustment.objects.values_list("reasons", flat=True).distinct():
        mask = sum(CODES.get(code, 0) for code in text.split(",") if code)
        adjustment.objects.filter(reasons=text).update(reason_flags=mask)


def mask_to_codes(apps, schema_editor):
    adjustment = apps.get_model("allocation", "QuotaAdjustment")
    for mask in adjustment.objects.values_list("reason_flags", flat=True).distinct():
        text = ",".join(code for code, bit in CODES.items() if mask & bit)
        adjustment.objects.filter(reason_flags=mask).update(reasons=text)


class Migration(migrations.Migration):
    dependencies = [("allocation", "0003_quotas_rules_kpis")]

    operations = [
        migrations.AddField(
            model_name="quotaadjustment",
            name="reason_flags",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="reasons"),
        ),
        migrations.AlterField(
            model_name="quotaadjustment",
            name="reasons",
            field=models.CharField(max_length=100, verbose_name="reasons", default=""),
        ),
        migrations.RunPython(codes_to_mask, mask_to_codes),
        migrations.RemoveField(model_name="quotaadjustment", name="reasons"),
        migrations.RenameField(model_name="quotaadjustment", old_name="reason_flags", new_name="reasons"),
    ]
