"""URL patterns added to ``plans.urls`` (namespace ``plans``): the plan editor.

``<level>`` is ``area``, ``kegiatan``, ``sub-kegiatan`` or ``indikator``; ``<row>`` the row's id.
"""

from django.urls import path

from . import editor_views as views

urlpatterns: list = [
    path("rencana/<int:pk>/ubah/", views.editor_page, name="editor"),
    path("rencana/<int:pk>/ubah/keputusan/", views.decree_edit, name="editor_decree"),
    path("rencana/<int:pk>/ubah/jadwal/", views.schedule_save, name="editor_schedule"),
    path("rencana/<int:pk>/ubah/area/tambah/", views.row_add, name="editor_add_area"),
    path(
        "rencana/<int:pk>/ubah/temuan/<int:finding_pk>/konfirmasi/",
        views.finding_confirm,
        name="editor_confirm_finding",
    ),
    path("rencana/<int:pk>/ubah/<slug:level>/<int:row>/", views.row_edit, name="editor_row"),
    path(
        "rencana/<int:pk>/ubah/<slug:level>/<int:row>/tambah/",
        views.row_add,
        name="editor_add",
    ),
    path(
        "rencana/<int:pk>/ubah/<slug:level>/<int:row>/hapus/",
        views.row_delete,
        name="editor_delete",
    ),
    path(
        "rencana/<int:pk>/ubah/<slug:level>/<int:row>/<slug:direction>/",
        views.row_move,
        name="editor_move",
    ),
]
