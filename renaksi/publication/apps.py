from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    """The public RB column: what a unit chose to publish of its plan and year, readable
    without signing in, embeddable in the unit's own website."""

    name = "renaksi.publication"
    label = "publication"
    verbose_name = _("publikasi")
