"""The pages of renaksi.submissions, namespace ``submissions``."""

from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("laporan-berjenjang/", views.home, name="home"),
    path("laporan-berjenjang/antrean/", views.queue_view, name="queue"),
    path("laporan-berjenjang/nasional/", views.national_view, name="national"),
    path("laporan-berjenjang/provinsi/<int:unit>/", views.province_view, name="province"),
    path("laporan-berjenjang/rencana/<int:plan>/", views.plan_view, name="plan"),
    path(
        "laporan-berjenjang/rencana/<int:plan>/kirim/<int:quarter>/",
        views.submit_view,
        name="submit",
    ),
    path("laporan-berjenjang/<int:pk>/", views.detail_view, name="detail"),
    path("laporan-berjenjang/<int:pk>/putuskan/", views.decide_view, name="decide"),
    path("laporan-berjenjang/<int:pk>/buka-kembali/", views.reopen_view, name="reopen"),
]
