"""The self-assessment pages (views_assessment.py), included from evaluation/urls.py."""

from django.urls import path

from . import views_assessment as views

urlpatterns = [
    path("lke/satuan-kerja/<int:unit>/<int:year>/", views.assessment_list, name="assessments"),
    path(
        "lke/satuan-kerja/<int:unit>/<int:year>/mulai/",
        views.assessment_start,
        name="assessment_start",
    ),
    path("lke/<int:pk>/", views.assessment_detail, name="assessment"),
    path("lke/<int:pk>/bagian/<str:code>/", views.assessment_area, name="assessment_area"),
    path("lke/<int:pk>/butir/<int:item>/", views.assessment_item, name="assessment_item"),
    path(
        "lke/<int:pk>/butir/<int:item>/simpan/",
        views.assessment_answer,
        name="assessment_answer",
    ),
    path("lke/<int:pk>/tautan-indikator/", views.assessment_links, name="assessment_links"),
    path(
        "lke/<int:pk>/tautan-indikator/<int:link>/hapus/",
        views.assessment_link_delete,
        name="assessment_link_delete",
    ),
    path("lke/<int:pk>/isi-dari-indikator/", views.assessment_feed, name="assessment_feed"),
    path("lke/berkas/<int:pk>/", views.assessment_file, name="assessment_file"),
]
