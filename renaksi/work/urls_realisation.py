"""Routes of the year's work (see renaksi/work/urls.py)."""

urlpatterns: list = []
