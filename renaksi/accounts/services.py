"""Account e-mails that other parts of Renaksi send."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import ngettext, override


def link_validity() -> str:
    """How long a set-password link works, in the active language ("3 hari", "12 jam")."""
    seconds = int(settings.PASSWORD_RESET_TIMEOUT)
    if seconds >= 86400 and seconds % 86400 == 0:
        days = seconds // 86400
        return ngettext("%(count)d hari", "%(count)d hari", days) % {"count": days}
    if seconds >= 3600:
        hours = seconds // 3600
        return ngettext("%(count)d jam", "%(count)d jam", hours) % {"count": hours}
    minutes = max(1, seconds // 60)
    return ngettext("%(count)d menit", "%(count)d menit", minutes) % {"count": minutes}


def _site(request_or_domain) -> tuple[str, str]:
    """(protocol, domain) from a request, "https://host[:port]", or a bare "host" (https)."""
    if isinstance(request_or_domain, HttpRequest):
        protocol = "https" if request_or_domain.is_secure() else "http"
        return protocol, request_or_domain.get_host()
    text = str(request_or_domain).strip().rstrip("/")
    if "://" in text:
        parts = urlsplit(text)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(f"Not a site address: {request_or_domain!r}")
        return parts.scheme, parts.netloc
    if not text or "/" in text:
        raise ValueError(f"Not a site address: {request_or_domain!r}")
    return "https", text


def set_password_url(user, request_or_domain) -> str:
    """The one-use link where ``user`` sets a password (the password-reset token)."""
    protocol, domain = _site(request_or_domain)
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{protocol}://{domain}{path}"


def send_invitation(user, request_or_domain) -> None:
    """E-mail ``user`` an invitation to Renaksi with a link to set their password.

    ``request_or_domain`` is the current request (the link then uses its host and scheme) or
    the site's address, e.g. "https://renaksi.kpu.go.id" (a bare host means https).
    The link is the password-reset link: it works once, for PASSWORD_RESET_TIMEOUT, and stops
    working when the password changes or the user signs in. Raises ValueError if the user has
    no e-mail address or is inactive (an inactive account cannot sign in).
    """
    if not user.email:
        raise ValueError(f"User {user.get_username()!r} has no e-mail address")
    if not user.is_active:
        raise ValueError(f"User {user.get_username()!r} is inactive")
    protocol, domain = _site(request_or_domain)
    # In Indonesian whatever language the inviter uses: the new user has not chosen one yet.
    with override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "set_password_url": set_password_url(user, request_or_domain),
            "login_url": f"{protocol}://{domain}{reverse('login')}",
            "validity": link_validity(),
        }
        subject = "".join(
            render_to_string("accounts/invitation_subject.txt", context).splitlines()
        ).strip()
        body = render_to_string("accounts/invitation_email.txt", context)
    EmailMultiAlternatives(subject, body, None, [user.email]).send()
