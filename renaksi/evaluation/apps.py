from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """Evaluation frameworks as data (PMPRB, Zona Integritas, RB General), their scoring, and
    each unit's self-assessment (LKE) with the tiers that review it."""

    name = "renaksi.evaluation"
    label = "evaluation"
    verbose_name = _("evaluasi (LKE)")
