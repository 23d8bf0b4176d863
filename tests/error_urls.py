"""URLs for tests/test_error_pages.py: the real ones plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from renaksi.urls import handler400, handler403, handler404, handler500
from renaksi.urls import urlpatterns as site_urlpatterns

SECRET = "internal-detail-7f3a"


def crash(request):
    raise RuntimeError(f"{SECRET} in /srv/renaksi/settings.py")


def crash_database(request):
    raise OperationalError(f"{SECRET}: connection to server at 10.0.0.5 failed")


def forbidden(request):
    raise PermissionDenied(f"{SECRET}: rule units.change_unit")


def suspicious(request):
    raise SuspiciousOperation(f"{SECRET}: tampered")


@require_POST
def post_only(request):
    return HttpResponse("done")


urlpatterns = [
    path("uji/kirim/", post_only),
    path("uji/rusak/", crash),
    path("uji/basis-data/", crash_database),
    path("uji/terlarang/", forbidden),
    path("uji/curiga/", suspicious),
    *site_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
