"""The public pages and the publish action, namespace ``publication`` (views.py)."""

from django.urls import path

from . import views

app_name = "publication"

urlpatterns: list = [
    path("rencana/<int:pk>/publikasi/", views.manage, name="manage"),
    path("publik/", views.index, name="index"),
    path("publik/<str:code>/<int:year>/", views.page, name="page"),
    path("publik/<str:code>/<int:year>/sematan/", views.embed, name="embed"),
    path("publik/<str:code>/<int:year>/data.json", views.feed, name="feed"),
    path("publik/<str:code>/<int:year>/dokumen/<slug:name>/", views.document, name="document"),
]
