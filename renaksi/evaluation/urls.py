"""The pages of renaksi.evaluation, namespace ``evaluation``."""

from django.urls import path  # noqa: F401

app_name = "evaluation"

urlpatterns: list = []
