"""Routes of the change agents' own plans (see renaksi/work/urls.py, views_agents.py)."""

from django.urls import path

from . import views_agents

urlpatterns: list = [
    path("rencana/<int:plan>/agen-perubahan/", views_agents.agent_plans, name="agent_plans"),
    path(
        "rencana/<int:plan>/agen-perubahan/buat/",
        views_agents.agent_plan_create,
        name="agent_plan_create",
    ),
    path("agen-perubahan/<int:pk>/", views_agents.agent_plan, name="agent_plan"),
    path("agen-perubahan/<int:pk>/aksi/", views_agents.agent_action_add, name="agent_action_add"),
    path("agen-perubahan/<int:pk>/jadwal/", views_agents.agent_schedule, name="agent_schedule"),
    path(
        "agen-perubahan/<int:pk>/aksi/<int:action>/",
        views_agents.agent_action_edit,
        name="agent_action_edit",
    ),
    path(
        "agen-perubahan/<int:pk>/aksi/<int:action>/hapus/",
        views_agents.agent_action_delete,
        name="agent_action_delete",
    ),
    path(
        "agen-perubahan/<int:pk>/aksi/<int:action>/pindah/<str:direction>/",
        views_agents.agent_action_move,
        name="agent_action_move",
    ),
]
