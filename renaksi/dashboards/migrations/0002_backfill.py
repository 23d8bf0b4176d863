"""Compute the summary of every existing plan (renaksi/dashboards/summary.py). A plan without
a summary is also computed the first time a dashboard reads it; this only does it ahead."""

from django.db import migrations


def backfill(apps, schema_editor):
    # The current code on purpose: the summary's one definition (summary.compute).
    from renaksi.dashboards import summary
    from renaksi.plans.models import ActionPlan

    if schema_editor.connection.alias != "default":
        return
    summary.refresh(ActionPlan.objects.values_list("pk", flat=True))


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_plan_summary"), ("work", "0001_initial")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
