from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("rencana/<int:pk>/unduh/<str:fmt>/", views.download, name="download"),
]
