"""The pages of renaksi.evaluation, namespace ``evaluation``."""

from django.urls import include, path

app_name = "evaluation"

urlpatterns: list = [
    path("", include("renaksi.evaluation.urls_worksheet")),
    path("", include("renaksi.evaluation.urls_assessment")),
    path("", include("renaksi.evaluation.urls_frameworks")),  # part "frameworks"
]
