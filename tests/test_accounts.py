"""Accounts: signing in by username or e-mail, lock-out, passwords by e-mail, deactivation."""

import datetime
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from renaksi import settings as production
from renaksi.accounts.mail import ConsoleEmailBackend
from renaksi.accounts.services import send_invitation

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "rahasia-panjang-1"
LOCKED_TITLE = "Akun dikunci sementara"


def _site_scripts() -> list[str]:
    return [
        f'<script src="{static("renaksi/site.js")}" data-scroll-label="Tabel yang dapat digeser">',
        f'<script src="{static("vendor/htmx/htmx.min.js")}" defer>',
    ]


@pytest.fixture
def budi():
    return User.objects.create_user(
        "budi", email="Budi.Santoso@KPU.go.id", password=PASSWORD, first_name="Budi"
    )


def sign_in(client, login, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": login, "password": password}, **extra)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def link_in(message):
    """The one http(s) link in a plain-text e-mail."""
    links = re.findall(r"https?://\S+", message.body)
    assert len(set(links)) >= 1
    return links


# ---------------------------------------------------------------- signing in


def test_login_page_asks_for_username_or_email_and_links_to_password_reset(client):
    html = client.get(reverse("login")).content.decode()
    assert "Nama pengguna atau email" in html
    assert f'href="{reverse("password_reset")}"' in html
    assert "Lupa kata sandi?" in html
    assert reverse("password_reset") == "/sandi/lupa/"


def test_login_by_username(client, budi):
    response = sign_in(client, "budi")
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:list")
    assert signed_in_user_id(client) == str(budi.pk)


@pytest.mark.parametrize(
    "login", ["Budi.Santoso@KPU.go.id", "budi.santoso@kpu.go.id", "  BUDI.SANTOSO@KPU.GO.ID "]
)
def test_login_by_email_in_any_case(client, budi, login):
    response = sign_in(client, login)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(budi.pk)


def test_username_is_matched_exactly(client, budi):
    assert sign_in(client, "BUDI").status_code == 200
    assert signed_in_user_id(client) is None


def test_wrong_password_gives_a_clear_error_and_no_session(client, budi):
    response = sign_in(client, "budi.santoso@kpu.go.id", "salah-sekali")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nama pengguna atau kata sandi salah" in html
    assert signed_in_user_id(client) is None


def test_email_shared_by_two_accounts_signs_into_neither(client, budi):
    other = User.objects.create_user("budi2", email="budi.santoso@kpu.go.id", password=PASSWORD)
    response = sign_in(client, "budi.santoso@kpu.go.id")
    assert response.status_code == 200
    html = response.content.decode()
    # The same words as any failure: nothing tells that the address is shared.
    assert "Nama pengguna atau kata sandi salah" in html
    assert "lebih dari satu akun" in html
    assert signed_in_user_id(client) is None
    # Each can still sign in with the username.
    assert sign_in(client, "budi2").status_code == 302
    assert signed_in_user_id(client) == str(other.pk)


def test_ambiguous_and_wrong_logins_look_alike(client, budi):
    User.objects.create_user("budi2", email="budi.santoso@kpu.go.id", password=PASSWORD)
    shared = sign_in(Client(), "budi.santoso@kpu.go.id").content.decode()
    unknown = sign_in(Client(), "tidak.ada@kpu.go.id").content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|value="[^"]*@[^"]*"')
    assert strip.sub("", shared) == strip.sub("", unknown)


def test_inactive_user_cannot_sign_in_even_with_the_right_password(client, budi):
    budi.is_active = False
    budi.save()
    for login in ["budi", "budi.santoso@kpu.go.id"]:
        response = sign_in(client, login)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Nama pengguna atau kata sandi salah" in html
        assert signed_in_user_id(client) is None


def test_signing_in_gives_a_new_session_key(client, budi):
    client.get(reverse("login"))
    session = client.session
    session["sebelum"] = "ya"
    session.save()
    before = session.session_key
    sign_in(client, "budi")
    assert client.session.session_key != before


def test_session_ends_with_the_browser_and_after_the_configured_age(client, budi):
    response = sign_in(client, "budi")
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"]
    assert client.session.get_expiry_age() == production.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_logout_is_post_only(client, budi):
    client.force_login(budi)
    assert client.get(reverse("logout")).status_code == 200  # asks to confirm
    assert signed_in_user_id(client) == str(budi.pk)
    assert client.post(reverse("logout")).status_code == 302
    assert signed_in_user_id(client) is None


# ---------------------------------------------------------------- lock-out


def fail(client, login="budi", times=1, **extra):
    return [sign_in(client, login, "salah-sekali", **extra).status_code for _ in range(times)]


def test_five_failures_lock_the_account_with_an_indonesian_429_page(client, budi):
    assert fail(client, times=4) == [200] * 4
    response = sign_in(client, "budi", "salah-sekali")
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_TITLE in html
    assert "Coba lagi setelah pukul" in html
    assert "Traceback" not in html
    assert '<html lang="id">' in html
    # The time shown is the last failure plus 30 minutes, in Jakarta time.
    attempt = AccessAttempt.objects.get()
    retry_at = timezone.localtime(attempt.attempt_time + datetime.timedelta(minutes=30))
    assert f"{retry_at:%H.%M} WIB" in html
    assert 1790 <= int(response["Retry-After"]) <= 1800


def test_while_locked_even_the_right_password_is_refused(client, budi):
    fail(client, times=5)
    response = sign_in(client, "budi")
    assert response.status_code == 429
    assert LOCKED_TITLE in response.content.decode()
    assert signed_in_user_id(client) is None
    # By e-mail too: the lock is on the account, not on what was typed.
    assert sign_in(client, "BUDI.SANTOSO@kpu.go.id").status_code == 429
    assert signed_in_user_id(client) is None


def test_failures_by_email_and_username_count_together(client, budi):
    fail(client, "budi", times=2)
    fail(client, "budi.santoso@kpu.go.id", times=2)
    assert fail(client, "Budi.Santoso@KPU.GO.ID") == [429]


def test_lock_is_per_account_and_address(client, budi):
    User.objects.create_user("siti", password=PASSWORD)
    fail(client, times=5)
    assert sign_in(client, "siti").status_code == 302
    other_office = Client(REMOTE_ADDR="10.1.2.3")
    assert sign_in(other_office, "budi").status_code == 302


def test_lock_lifts_after_the_cool_off(client, budi):
    fail(client, times=5)
    assert sign_in(client, "budi").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=30, seconds=5)
    )
    assert sign_in(client, "budi").status_code == 302


def test_admin_can_lift_a_lock_with_the_lower_case_username(client):
    User.objects.create_user("Siti.A", email="siti@kpu.go.id", password=PASSWORD)
    fail(client, "siti@kpu.go.id", times=5)
    assert sign_in(client, "Siti.A").status_code == 429
    assert AccessAttempt.objects.get().username == "siti.a"
    call_command("axes_reset_username", "siti.a", stdout=StringIO())
    assert sign_in(client, "Siti.A").status_code == 302


def test_retrying_while_locked_does_not_extend_the_lock(client, budi):
    fail(client, times=5)
    first = AccessAttempt.objects.get().attempt_time
    fail(client, times=3)
    assert AccessAttempt.objects.get().attempt_time == first


def test_success_resets_the_failure_count(client, budi):
    assert fail(client, times=4) == [200] * 4
    assert sign_in(client, "budi").status_code == 302
    assert not AccessAttempt.objects.exists()
    client.post(reverse("logout"))
    assert fail(client, times=4) == [200] * 4


def test_client_login_in_tests_goes_through_the_lock_out(client, budi):
    # tests/conftest.py: client.login() passes a request, so axes sees it like a real sign-in.
    for _ in range(5):
        assert not client.login(username="budi", password="salah-sekali")
    assert not client.login(username="budi", password=PASSWORD)
    AccessAttempt.objects.all().delete()
    assert client.login(username="budi.santoso@kpu.go.id", password=PASSWORD)


def test_lockout_page_obeys_the_content_security_policy(client, budi):
    fail(client, times=5)
    response = sign_in(client, "budi")
    html = response.content.decode()
    assert "Content-Security-Policy" in response.headers
    assert "style=" not in html
    # Scripts only from our own static files (site.js and htmx on every page), never inline.
    assert re.findall(r"<script\b[^>]*>", html) == _site_scripts()


# ---------------------------------------------------------------- password reset


def test_password_reset_by_email_sets_a_new_password(client, budi):
    response = client.post(reverse("password_reset"), {"email": "BUDI.santoso@kpu.go.id"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done") == "/sandi/lupa/terkirim/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [budi.email]
    assert message.subject == "Atur ulang kata sandi Renaksi"
    assert "Nama pengguna: budi" in message.body
    assert not message.alternatives  # plain text only
    (link,) = link_in(message)
    path = urlsplit(link).path
    assert link.startswith("http://testserver/sandi/atur/")

    response = client.get(path)  # Django moves the token into the session
    assert response.status_code == 302
    form_url = response["Location"]
    page = client.get(form_url)
    assert "Atur kata sandi" in page.content.decode()
    new = "kursi-merah-bengkayang"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete") == "/sandi/atur/selesai/"

    budi.refresh_from_db()
    assert budi.check_password(new)
    assert sign_in(Client(), "budi", PASSWORD).status_code == 200
    assert sign_in(Client(), "budi", new).status_code == 302
    # The link works once.
    response = Client().get(path, follow=True)
    assert "Tautan ini tidak berlaku lagi" in response.content.decode()


def test_password_reset_refuses_a_weak_password_in_indonesian(client, budi):
    client.post(reverse("password_reset"), {"email": budi.email})
    (link,) = link_in(mail.outbox[0])
    form_url = client.get(urlsplit(link).path)["Location"]
    response = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "field__errors" in html
    assert "terlalu umum" in html  # Django's Indonesian CommonPasswordValidator message
    budi.refresh_from_db()
    assert budi.check_password(PASSWORD)


@pytest.mark.parametrize("case", ["unknown", "inactive"])
def test_password_reset_sends_nothing_but_says_the_same(client, budi, case):
    if case == "inactive":
        User.objects.filter(pk=budi.pk).update(is_active=False)
        email = budi.email
    else:
        email = "siapa@kpu.go.id"
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


@pytest.mark.parametrize(
    "name", ["password_reset", "password_reset_done", "password_reset_complete", "login"]
)
def test_password_pages_are_indonesian_and_obey_the_csp(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "style=" not in html
    # Scripts only from our own static files (site.js and htmx on every page), never inline.
    assert re.findall(r"<script\b[^>]*>", html) == _site_scripts()


# ---------------------------------------------------------------- invitation


def test_invitation_email_links_to_setting_a_password(client):
    user = User.objects.create_user("sekretaris", email="sekretaris@kpu-bengkayang.go.id")
    assert not user.has_usable_password()
    send_invitation(user, "https://renaksi.kpu.go.id")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Anda diundang ke Renaksi"
    assert message.to == ["sekretaris@kpu-bengkayang.go.id"]
    assert "Nama pengguna Anda: sekretaris" in message.body
    links = link_in(message)
    assert links[0].startswith("https://renaksi.kpu.go.id/sandi/atur/")
    assert "https://renaksi.kpu.go.id/masuk/" in links

    form_url = client.get(urlsplit(links[0]).path)["Location"]
    new = "meja-hijau-sambas-77"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("password_reset_complete")
    assert sign_in(Client(), "sekretaris@kpu-bengkayang.go.id", new).status_code == 302
    # Used once, the invitation link is dead.
    response = Client().get(urlsplit(links[0]).path, follow=True)
    assert "Tautan ini tidak berlaku lagi" in response.content.decode()


def test_invitation_from_a_request_uses_its_host_and_scheme():
    user = User.objects.create_user("bendahara", email="bendahara@kpu.go.id")
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1", secure=True)
    send_invitation(user, request)
    assert link_in(mail.outbox[0])[0].startswith("https://127.0.0.1/sandi/atur/")


def test_invitation_needs_an_email_and_an_active_user():
    with pytest.raises(ValueError, match="e-mail"):
        send_invitation(User.objects.create_user("tanpa-email"), "renaksi.kpu.go.id")
    inactive = User.objects.create_user("nonaktif", email="n@kpu.go.id", is_active=False)
    with pytest.raises(ValueError, match="inactive"):
        send_invitation(inactive, "renaksi.kpu.go.id")
    assert mail.outbox == []


# ---------------------------------------------------------------- password change


def test_password_change_keeps_this_session_and_ends_the_others(client, budi):
    client.force_login(budi)
    other_device = Client()
    other_device.force_login(budi)
    before = client.session.session_key
    new = "kursi-merah-bengkayang"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert reverse("password_change") == "/sandi/ubah/"
    assert client.session.session_key != before  # rotated
    assert client.get(reverse("plans:list")).status_code == 200
    assert other_device.get(reverse("plans:list")).status_code == 302
    budi.refresh_from_db()
    assert budi.check_password(new)


def test_password_change_needs_the_current_password(client, budi):
    client.force_login(budi)
    new = "kursi-merah-bengkayang"
    response = client.post(
        reverse("password_change"),
        {"old_password": "salah", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    budi.refresh_from_db()
    assert budi.check_password(PASSWORD)


def test_password_change_needs_a_signed_in_user(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_header_links_to_password_change(client, budi):
    client.force_login(budi)
    html = client.get(reverse("plans:list")).content.decode()
    assert f'href="{reverse("password_change")}"' in html


# ---------------------------------------------------------------- deactivation


def test_deactivated_user_is_signed_out_on_the_next_request(client, budi):
    sign_in(client, "budi")
    assert client.get(reverse("plans:list")).status_code == 200
    User.objects.filter(pk=budi.pk).update(is_active=False)
    response = client.get(reverse("plans:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert response.wsgi_request.user.is_anonymous


@pytest.fixture
def admin_user_client(client):
    admin = User.objects.create_superuser("admin", "admin@kpu.go.id", PASSWORD)
    client.force_login(admin)
    return client, admin


def test_admin_action_deactivates_and_deletes_nothing(admin_user_client, budi):
    client, admin = admin_user_client
    siti = User.objects.create_user("siti", password=PASSWORD)
    url = reverse("admin:auth_user_changelist")
    response = client.post(
        url,
        {"action": "deactivate", "_selected_action": [budi.pk, siti.pk, admin.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "2 pengguna dinonaktifkan" in response.content.decode()
    assert User.objects.count() == 3
    assert list(User.objects.filter(is_active=False).order_by("username")) == [budi, siti]
    # The admin did not lock themself out.
    admin.refresh_from_db()
    assert admin.is_active
    assert sign_in(Client(), "budi").status_code == 200


def test_admin_cannot_delete_users(admin_user_client, budi):
    client, _ = admin_user_client
    html = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert 'value="deactivate"' in html
    assert 'value="delete_selected"' not in html
    assert client.get(reverse("admin:auth_user_delete", args=[budi.pk])).status_code == 403
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [budi.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=budi.pk).exists()
    assert response.status_code in {200, 302}


def test_admin_user_list_shows_and_filters_by_active(admin_user_client, budi):
    client, _ = admin_user_client
    User.objects.filter(pk=budi.pk).update(is_active=False)
    url = reverse("admin:auth_user_changelist")
    html = client.get(url, {"is_active__exact": "0"}).content.decode()
    assert "column-is_active" in html
    assert 'aria-label="Pilih objek ini untuk suatu aksi - budi"' in html
    assert 'aria-label="Pilih objek ini untuk suatu aksi - admin"' not in html


# ---------------------------------------------------------------- settings


def test_production_settings_put_argon2_and_axes_first():
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    backends = production.AUTHENTICATION_BACKENDS
    assert backends[0] == "axes.backends.AxesStandaloneBackend"
    assert "rules.permissions.ObjectPermissionBackend" in backends
    assert "renaksi.accounts.backends.UsernameOrEmailBackend" in backends
    assert "django.contrib.auth.backends.ModelBackend" not in backends
    assert production.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert production.AXES_FAILURE_LIMIT == 5
    assert production.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert production.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def read_settings(**env):
    """The lock-out and session settings as production reads them from ``env``."""
    clean = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    clean.update(SECRET_KEY="x", **env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import renaksi.settings as s; "
            "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME, s.SESSION_COOKIE_AGE)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_lockout_and_session_settings_come_from_the_environment(tmp_path):
    result = read_settings(
        AXES_FAILURE_LIMIT="3",
        AXES_COOLOFF_MINUTES="10",
        SESSION_COOKIE_AGE="3600",
        RENAKSI_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "0:10:00", "3600"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("AXES_FAILURE_LIMIT", "lima"), ("AXES_COOLOFF_MINUTES", "0"), ("SESSION_COOKIE_AGE", "")],
)
def test_bad_lockout_or_session_setting_fails_loudly(tmp_path, name, value):
    result = read_settings(RENAKSI_DATA_DIR=str(tmp_path), **{name: value})
    assert result.returncode != 0
    assert f"{name} must be a whole number" in result.stderr


# ---------------------------------------------------------------- development e-mail


def test_console_backend_prints_links_whole_and_text_decoded():
    link = "https://renaksi.kpu-kabupaten-bengkayang.go.id/sandi/atur/MTIzNDU/" + "a1" * 30 + "/"
    message = EmailMultiAlternatives(
        "Atur ulang kata sandi Renaksi",
        f"Buka tautan ini:\n\n{link}\n\nRenaksi · KPU\n",
        "renaksi@localhost",
        ["budi@kpu.go.id"],
    )
    message.attach_alternative("<p>HTML</p>", "text/html")
    out = StringIO()
    assert ConsoleEmailBackend(stream=out).send_messages([message]) == 1
    printed = out.getvalue()
    assert f"\n{link}\n" in printed
    assert "Renaksi · KPU" in printed
    assert "Subject: Atur ulang kata sandi Renaksi" in printed
    assert "To: budi@kpu.go.id" in printed
    assert "<p>HTML</p>" in printed
    assert "=\n" not in printed
