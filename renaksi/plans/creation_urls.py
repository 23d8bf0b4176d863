"""URL patterns added to ``plans.urls`` (namespace ``plans``): creating a plan."""

from django.urls import path

from . import creation_views

urlpatterns: list = [
    path("rencana/buat/", creation_views.create_start, name="create_start"),
    path("rencana/buat/<int:unit_pk>/", creation_views.create, name="create"),
    path("rencana/<int:pk>/salin/", creation_views.copy, name="copy"),
]
