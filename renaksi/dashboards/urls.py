"""The dashboards' pages, namespace ``dashboards``: the unit dashboard (urls_unit), the
schedule view (urls_schedule), the province and national dashboards (urls_rollup)."""

from . import urls_rollup, urls_schedule, urls_unit

app_name = "dashboards"

urlpatterns = urls_unit.urlpatterns + urls_schedule.urlpatterns + urls_rollup.urlpatterns
