"""The framework pages (views_frameworks.py), included in the ``evaluation`` namespace."""

from django.urls import path

from . import views_frameworks as views

urlpatterns = [
    path("kerangka-evaluasi/", views.framework_list, name="framework_list"),
    path("kerangka-evaluasi/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("kerangka-evaluasi/<int:pk>/salin/", views.framework_copy, name="framework_copy"),
    path(
        "kerangka-evaluasi/<int:pk>/berlakukan/",
        views.framework_publish,
        name="framework_publish",
    ),
    path("kerangka-evaluasi/<int:pk>/hentikan/", views.framework_retire, name="framework_retire"),
    path(
        "kerangka-evaluasi/<int:pk>/simpul/<int:node>/ubah/",
        views.node_edit,
        name="framework_node_edit",
    ),
    path(
        "kerangka-evaluasi/<int:pk>/simpul/<int:node>/tambah-butir/",
        views.item_add,
        name="framework_item_add",
    ),
    path(
        "kerangka-evaluasi/<int:pk>/simpul/<int:node>/hapus/",
        views.node_delete,
        name="framework_node_delete",
    ),
]
