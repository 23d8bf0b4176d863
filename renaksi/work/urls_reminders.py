"""Routes of the year's work (see renaksi/work/urls.py): a person's reminder settings."""

from django.urls import path

from . import views_reminders

urlpatterns: list = [
    path("pengingat/", views_reminders.reminders_view, name="reminders"),
]
