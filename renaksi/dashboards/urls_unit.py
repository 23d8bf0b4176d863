"""Paths of the unit part of renaksi.dashboards (joined in urls.py)."""

urlpatterns: list = []
