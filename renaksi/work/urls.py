"""The year's work's pages, namespace ``work``. Each part keeps its own module of routes."""

from django.urls import include, path

app_name = "work"

urlpatterns = [
    path("", include("renaksi.work.urls_files")),  # evidence upload, download, preview
    path("", include("renaksi.work.urls_realisation")),  # the realisation form, reviews
    path("", include("renaksi.work.urls_pages")),  # my work, month view, queue, histories
    path("", include("renaksi.work.urls_reminders")),  # a person's reminder settings
    path("", include("renaksi.work.urls_agents")),  # change agents' own plans
]
