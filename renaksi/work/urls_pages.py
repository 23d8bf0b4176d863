"""Routes of the year's work (see renaksi/work/urls.py): the read-side pages (views_pages.py).

"Pekerjaan saya" keeps its name ``plans:my_work`` (renaksi/plans/urls.py)."""

from django.urls import path

from . import views_pages

urlpatterns: list = [
    path("rencana/<int:plan>/bulan/<int:month>/", views_pages.month_view, name="month"),
    # Without a month: the plan's current month (this month, December of a past year).
    path("rencana/<int:plan>/bulan/", views_pages.month_view, name="month"),
    path("verifikasi/", views_pages.queue_view, name="queue"),
    path(
        "rencana/<int:plan>/sub-kegiatan/<int:sub>/riwayat/",
        views_pages.sub_activity_history_view,
        name="sub_activity_history",
    ),
]
