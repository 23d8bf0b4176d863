from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    path("", views.team_list, name="list"),
    path("<int:pk>/", views.team_detail, name="detail"),
    path("<int:pk>/cetak/", views.team_print, name="print"),
    path("<int:pk>/unduh/", views.team_export_xlsx, name="export_xlsx"),
    path("<int:pk>/sk/", views.team_edit, name="edit"),
    path("<int:pk>/anggota/tambah/", views.member_add, name="member_add"),
    path("<int:pk>/anggota/<int:member_pk>/ubah/", views.member_edit, name="member_edit"),
    path("<int:pk>/anggota/<int:member_pk>/hapus/", views.member_remove, name="member_remove"),
]
