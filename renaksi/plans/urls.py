from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("rencana/<int:pk>/", views.plan_detail, name="detail"),
    path("rencana/<int:pk>/setujui/", views.approve_plan_view, name="approve"),
    path(
        "rencana/<int:pk>/temuan/<int:finding_pk>/konfirmasi/",
        views.confirm_finding_view,
        name="confirm_finding",
    ),
]
