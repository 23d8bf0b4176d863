from django.urls import path

from . import creation_urls, editor_urls, views, workflow_urls

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("pekerjaan-saya/", views.my_work_view, name="my_work"),
    path("rencana/<int:pk>/", views.plan_detail, name="detail"),
    path("rencana/<int:pk>/pic/", views.assign_pic_view, name="assign_pic"),
    path(
        "rencana/<int:pk>/temuan/<int:finding_pk>/konfirmasi/",
        views.confirm_finding_view,
        name="confirm_finding",
    ),
]
# The editor, the status workflow and plan creation keep their own modules.
urlpatterns += editor_urls.urlpatterns + workflow_urls.urlpatterns + creation_urls.urlpatterns
