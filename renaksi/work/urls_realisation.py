"""Routes of the realisation form and the assessor's review page (views_realisation.py)."""

from django.urls import path

from . import views_realisation

urlpatterns: list = [
    path("realisasi/periode/<int:period>/", views_realisation.realisation, name="realisation"),
    path(
        "realisasi/<int:pk>/ajukan/",
        views_realisation.realisation_submit,
        name="realisation_submit",
    ),
    path("realisasi/<int:pk>/verifikasi/", views_realisation.review, name="review"),
    path(
        "realisasi/sub-kegiatan/<int:sub>/di-luar-jadwal/",
        views_realisation.record_unscheduled,
        name="record_unscheduled",
    ),
]
