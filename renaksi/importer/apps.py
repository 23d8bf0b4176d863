from django.apps import AppConfig


class ImporterConfig(AppConfig):
    name = "renaksi.importer"
    label = "importer"
