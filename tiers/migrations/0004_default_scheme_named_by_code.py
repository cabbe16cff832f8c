"""The scheme the system creates with the defaults is named by a code, "default", shown in the reader's
language (默认方案 / "Default scheme": `core.labels.SCHEME_NAME`); it was stored in Chinese (0002), so an
English page showed 默认方案. A scheme a supervisor named stays as named."""

from django.db import migrations

STORED_IN_CHINESE = "默认方案"
CODE = "default"


def _rename(apps, old: str, new: str) -> None:
    Scheme = apps.get_model("tiers", "ClassificationScheme")
    if Scheme.objects.filter(name=new).exists():  # a supervisor's scheme has that name: leave both
        return
    ids = list(Scheme.objects.filter(name=old).values_list("pk", flat=True))
    Scheme.objects.filter(pk__in=ids).update(name=new)
    # its history reads the same name (the same scheme, the same words on the page)
    apps.get_model("tiers", "HistoricalClassificationScheme").objects.filter(id__in=ids, name=old).update(name=new)


def to_code(apps, schema_editor):
    _rename(apps, STORED_IN_CHINESE, CODE)


def to_chinese(apps, schema_editor):
    _rename(apps, CODE, STORED_IN_CHINESE)


class Migration(migrations.Migration):
    dependencies = [("tiers", "0003_assessment_returned_quantity")]
    operations = [migrations.RunPython(to_code, to_chinese)]
