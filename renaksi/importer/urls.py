from django.urls import path

from . import views

app_name = "importer"
urlpatterns = [
    path("impor/", views.start, name="start"),
    path("impor/satker/<int:unit_pk>/", views.upload, name="upload"),
    path("impor/satker/<int:unit_pk>/pratinjau/", views.preview, name="preview"),
    path("impor/satker/<int:unit_pk>/simpan/", views.save, name="save"),
    path("impor/satker/<int:unit_pk>/batal/", views.discard, name="discard"),
    path("rencana/<int:pk>/berkas-sumber/", views.source_file, name="source_file"),
]
