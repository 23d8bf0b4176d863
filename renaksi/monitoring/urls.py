"""The pages of renaksi.monitoring, namespace ``monitoring`` (views.py)."""

from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns: list = [
    path("rencana/<int:plan>/monitoring/", views.index, name="index"),
    path("rencana/<int:plan>/monitoring/tw/<int:quarter>/", views.quarter, name="quarter"),
    path(
        "rencana/<int:plan>/monitoring/tw/<int:quarter>/laporan/",
        views.save_report,
        name="save_report",
    ),
    path(
        "rencana/<int:plan>/monitoring/tw/<int:quarter>/area/<int:area>/",
        views.save_area_note,
        name="save_area_note",
    ),
    path(
        "rencana/<int:plan>/monitoring/tw/<int:quarter>/tindak-lanjut/",
        views.add_follow_up,
        name="add_follow_up",
    ),
    path(
        "rencana/<int:plan>/monitoring/tw/<int:quarter>/tindak-lanjut/<int:pk>/",
        views.update_follow_up,
        name="update_follow_up",
    ),
    path("rencana/<int:plan>/tindak-lanjut/", views.follow_ups, name="follow_ups"),
    path("rencana/<int:plan>/monitoring/pengaturan/", views.settings, name="settings"),
]
