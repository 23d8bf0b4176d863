from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "renaksi.plans"
    label = "plans"
