from django.apps import AppConfig


def superusers_only(request) -> bool:
    """The Django admin bypasses the access layer, so only system administrators use it."""
    return request.user.is_active and request.user.is_superuser


class CoreConfig(AppConfig):
    name = "renaksi.core"
    label = "core"

    def ready(self) -> None:
        from django.contrib import admin

        admin.site.has_permission = superusers_only
