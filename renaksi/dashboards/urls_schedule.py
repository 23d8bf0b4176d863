"""Paths of the schedule part of renaksi.dashboards (joined in urls.py)."""

from django.urls import path

from . import views_schedule

urlpatterns: list = [
    path("rencana/<int:plan>/jadwal/", views_schedule.schedule_view, name="schedule"),
]
