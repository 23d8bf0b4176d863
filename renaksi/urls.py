from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("renaksi.accounts.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("satker/", include("renaksi.units.urls")),
    path("tim/", include("renaksi.teams.urls")),
    path("", include("renaksi.plans.urls")),
    path("", include("renaksi.importer.urls")),
    path("", include("renaksi.exports.urls")),
    path("", include("renaksi.work.urls")),
    path("", include("renaksi.monitoring.urls")),
    path("", include("renaksi.evaluation.urls")),
    path("", include("renaksi.submissions.urls")),
    path("", include("renaksi.reports.urls")),
    path("", include("renaksi.dashboards.urls")),
    path("", include("renaksi.publication.urls")),
]

# The error pages in the site's layout (renaksi/core/views.py).
handler400 = "renaksi.core.views.bad_request"
handler403 = "renaksi.core.views.permission_denied"
handler404 = "renaksi.core.views.page_not_found"
handler500 = "renaksi.core.views.server_error"
