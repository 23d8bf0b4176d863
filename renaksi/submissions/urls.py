"""The pages of renaksi.submissions, namespace ``submissions``."""

from django.urls import path  # noqa: F401

app_name = "submissions"

urlpatterns: list = []
