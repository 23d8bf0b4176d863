"""Paths of the unit part of renaksi.dashboards (joined in urls.py)."""

from django.urls import path

from . import views_unit

urlpatterns: list = [
    path("rencana/<int:pk>/dasbor/", views_unit.unit_view, name="unit"),
]
