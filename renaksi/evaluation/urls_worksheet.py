"""The offline worksheet pages (views_worksheet.py), included from evaluation/urls.py."""

from django.urls import path

from . import views_worksheet as views

urlpatterns = [
    path("lke/<int:pk>/lembar-kerja/", views.worksheet, name="worksheet"),
    path(
        "lke/<int:pk>/lembar-kerja/unduh.xlsx",
        views.worksheet_download,
        name="worksheet_download",
    ),
]
