from django.db import migrations

from renaksi.plans.reference import STANDARD_CHANGE_AREAS


def load(apps, schema_editor):
    ChangeArea = apps.get_model("plans", "ChangeArea")
    for number, name in STANDARD_CHANGE_AREAS.items():
        ChangeArea.objects.update_or_create(number=number, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("plans", "ChangeArea").objects.filter(number__in=STANDARD_CHANGE_AREAS).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
