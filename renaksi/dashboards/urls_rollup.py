"""Paths of the rollup part of renaksi.dashboards (joined in urls.py)."""

from django.urls import path

from . import views_rollup

urlpatterns: list = [
    path("dasbor/", views_rollup.home, name="home"),
    path("dasbor/provinsi/<int:unit>/", views_rollup.province, name="province"),
    path("dasbor/nasional/", views_rollup.national, name="national"),
]
