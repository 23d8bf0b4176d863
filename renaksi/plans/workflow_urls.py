"""URL patterns added to ``plans.urls`` (namespace ``plans``)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
