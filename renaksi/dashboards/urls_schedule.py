"""Paths of the schedule part of renaksi.dashboards (joined in urls.py)."""

urlpatterns: list = []
