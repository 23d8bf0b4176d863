from django.urls import path

from . import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/undang/", views.invite, name="invite"),
    path("<int:pk>/peran/", views.role_add, name="role_add"),
    path("<int:pk>/peran/<int:role_pk>/cabut/", views.role_remove, name="role_remove"),
    path("<int:pk>/peran/<int:role_pk>/undang-ulang/", views.resend_invite, name="resend_invite"),
]
