"""URL patterns added to ``plans.urls`` (namespace ``plans``): the status workflow and the
plan's history (renaksi/plans/workflow_views.py)."""

from django.urls import path

from . import workflow_views as views
from .workflow import APPROVE, REOPEN, RETURN, SUBMIT, WITHDRAW

urlpatterns: list = [
    path("rencana/<int:pk>/ajukan/", views.transition_view, {"action": SUBMIT}, name="submit"),
    path(
        "rencana/<int:pk>/tarik-pengajuan/",
        views.transition_view,
        {"action": WITHDRAW},
        name="withdraw",
    ),
    path("rencana/<int:pk>/kembalikan/", views.transition_view, {"action": RETURN}, name="return"),
    path("rencana/<int:pk>/setujui/", views.transition_view, {"action": APPROVE}, name="approve"),
    path(
        "rencana/<int:pk>/buka-kembali/", views.transition_view, {"action": REOPEN}, name="reopen"
    ),
    path("rencana/<int:pk>/riwayat/", views.history_view, name="history"),
]
