"""Default price classes and price bands (docs/domain.md, "Prices"); editable in the admin afterwards."""

from decimal import Decimal

from django.db import migrations

# (class, minimum allocation price ex-VAT, minimum wholesale price) per carton, yuan.
CLASS_RULES = [
    ("I", "100", "150"),
    ("II", "70", "105"),
    ("III", "30", "45"),
    ("IV", "16.5", "25"),
    ("V", "0", "0"),
]
# One real city's bands of wholesale price per carton (lower bound inclusive).
BANDS = [
    ("≥600", "600"),
    ("400–600", "400"),
    ("290–400", "290"),
    ("263–290", "263"),
    ("220–263", "220"),
    ("180–220", "180"),
    ("158–180", "158"),
    ("130–158", "130"),
    ("109–130", "109"),
    ("<109", "0"),
]


def create(apps, schema_editor):
    PriceClassRule = apps.get_model("pricing", "PriceClassRule")
    PriceBand = apps.get_model("pricing", "PriceBand")
    for price_class, allocation, wholesale in CLASS_RULES:
        PriceClassRule.objects.get_or_create(
            price_class=price_class,
            defaults={"min_allocation_price": Decimal(allocation), "min_wholesale_price": Decimal(wholesale)},
        )
    for label, minimum in BANDS:
        PriceBand.objects.get_or_create(label=label, defaults={"min_wholesale_price": Decimal(minimum)})


class Migration(migrations.Migration):
    dependencies = [("pricing", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
