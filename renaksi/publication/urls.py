"""The public pages and the publish action, namespace ``publication``."""

from django.urls import path  # noqa: F401

app_name = "publication"

urlpatterns: list = []
