from django.db import migrations, models


class Migration(migrations.Migration):
    """Stock with no recent count is unknown (NULL), a status that asks for a count, and the basis
    of a carried-forward stock (docs/domain.md §6)."""

    dependencies = [
        ("inventory", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="inventoryadvice",
            name="stock",
            field=models.PositiveIntegerField(
                help_text="Empty: unknown (no count).", null=True, verbose_name="stock (cartons)"
            ),
        ),
        migrations.AlterField(
            model_name="inventoryadvice",
            name="status",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (0, "no recent sales"), (1, "slow-moving"), (2, "short"), (3, "healthy"), (4, "over-stocked"),
                    (5, "needs a count"),
                ],
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="inventoryadvice",
            name="counted_cartons",
            field=models.PositiveIntegerField(null=True, verbose_name="last count (cartons)"),
        ),
        migrations.AddField(
            model_name="inventoryadvice",
            name="count_age_days",
            field=models.PositiveIntegerField(null=True, verbose_name="days since the count"),
        ),
        migrations.AddField(
            model_name="inventoryadvice",
            name="count_source",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "POS data"), (2, "Customer manager's count"), (3, "Retailer's own report")],
                null=True,
                verbose_name="count source",
            ),
        ),
        migrations.AddField(
            model_name="inventoryadvice",
            name="delivered_since",
            field=models.PositiveIntegerField(null=True, verbose_name="delivered since the count (cartons)"),
        ),
        migrations.AddField(
            model_name="inventoryadvice",
            name="sold_since",
            field=models.FloatField(null=True, verbose_name="estimated sold since the count (cartons)"),
        ),
    ]
