from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("pekerjaan-saya/", views.my_work_view, name="my_work"),
    path("rencana/<int:pk>/", views.plan_detail, name="detail"),
    path("rencana/<int:pk>/setujui/", views.approve_plan_view, name="approve"),
    path("rencana/<int:pk>/pic/", views.assign_pic_view, name="assign_pic"),
    path(
        "rencana/<int:pk>/temuan/<int:finding_pk>/konfirmasi/",
        views.confirm_finding_view,
        name="confirm_finding",
    ),
]
