"""Routes of evidence files (see renaksi/work/urls.py, views_files.py)."""

from django.urls import path

from . import views_files

urlpatterns: list = [
    path("bukti/<int:pk>/unduh/", views_files.evidence_download, name="evidence_download"),
    path("bukti/<int:pk>/pratinjau/", views_files.evidence_preview, name="evidence_preview"),
    path("bukti/<int:pk>/gambar-kecil/", views_files.evidence_thumbnail, name="evidence_thumbnail"),
    path("bukti/unggah/", views_files.upload_stage, name="upload_stage"),
]
