"""The pages of renaksi.reports, namespace ``reports`` (downloads: see views.py)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns: list = [
    path(
        "rencana/<int:pk>/laporan-monev/<int:quarter>/<str:fmt>/",
        views.quarterly,
        name="quarterly",
    ),
    path("rencana/<int:pk>/portal-rb/", views.portal, name="portal"),
    path("rencana/<int:pk>/lke/", views.plan_lke, name="plan_lke"),
    path("lke/<int:pk>/unduh/", views.lke, name="lke"),
    path("laporan/rekap/<int:pk>/<int:year>/", views.recap, name="recap"),
]
