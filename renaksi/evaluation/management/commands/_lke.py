"""What the LKE commands share: finding a framework, writing a file whole."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from renaksi.evaluation.models import Framework


def framework_of(code: str) -> Framework:
    framework = Framework.objects.filter(code=(code or "").strip()).first()
    if framework is None:
        known = ", ".join(Framework.objects.order_by("code").values_list("code", flat=True))
        raise CommandError(
            _("Kerangka evaluasi “%(code)s” tidak ada (yang ada: %(known)s).")
            % {"code": code, "known": known or _("belum ada; muat dengan load_frameworks")}
        )
    return framework
