from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "renaksi.units"
    label = "units"
