"""The dashboards' pages, namespace ``dashboards`` (paths in /work/coord/WORK.md)."""

from django.urls import path  # noqa: F401

app_name = "dashboards"

urlpatterns: list = []
