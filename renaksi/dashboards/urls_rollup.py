"""Paths of the rollup part of renaksi.dashboards (joined in urls.py)."""

urlpatterns: list = []
