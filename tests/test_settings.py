"""Production settings: safe by default, and loud about bad environment values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from renaksi import settings as production

ROOT = Path(__file__).resolve().parents[1]


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import renaksi.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_hashes_passwords_with_argon2():
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_language_and_time_zone():
    assert production.LANGUAGE_CODE == "id"
    assert production.TIME_ZONE == "Asia/Jakarta"


def test_missing_secret_key_fails_loudly(tmp_path):
    result = load_settings(RENAKSI_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_bad_boolean_fails_loudly(tmp_path):
    result = load_settings(SECRET_KEY="x", DEBUG="maybe", RENAKSI_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_bad_database_url_fails_loudly(tmp_path):
    result = load_settings(
        SECRET_KEY="x", DATABASE_URL="nonsense://", RENAKSI_DATA_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


@pytest.mark.django_db
def test_security_headers_on_every_page(client):
    response = client.get(reverse("login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "csrfmiddlewaretoken" in response.content.decode()


@pytest.mark.django_db
def test_pages_stay_indonesian_for_an_english_browser(client):
    import datetime

    from django.contrib.auth.models import User

    from renaksi.plans.models import ActionPlan
    from renaksi.units.models import Unit

    unit = Unit.objects.create(code="00", name="KPU RI", level="pusat")
    ActionPlan.objects.create(
        unit=unit, year=2022, decree_number="1", decree_date=datetime.date(2022, 3, 11)
    )
    client.force_login(User.objects.create_superuser("pengguna"))
    response = client.get(reverse("plans:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert "11 Maret 2022" in html and "March" not in html
    assert response["Content-Language"] == "id"
    client.cookies["django_language"] = "en"
    assert "11 March 2022" in client.get(reverse("plans:list")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "36.85.1.10", "10.0.0.2"),
        (1, "36.85.1.10", "36.85.1.10"),
        (1, "6.6.6.6, 36.85.1.10", "36.85.1.10"),  # a spoofed left part is ignored
        (2, "36.85.1.10, 10.0.0.1", "36.85.1.10"),
        (2, "", "10.0.0.2"),
    ],
)
def test_client_address_behind_proxies(settings, proxies, forwarded, expected):
    from django.test import RequestFactory

    from renaksi.accounts.lockout import client_address

    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2")
    assert client_address(request) == expected


@pytest.mark.django_db
def test_behind_a_proxy_lockout_counts_per_client_address(client, settings):
    from django.contrib.auth.models import User

    settings.PROXY_COUNT = 1
    User.objects.create_user("korban", password="Benar-sekali-1")
    wrong = {"username": "korban", "password": "salah"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), wrong, HTTP_X_FORWARDED_FOR="36.85.1.10")
    right = {"username": "korban", "password": "Benar-sekali-1"}
    locked = client.post(reverse("login"), right, HTTP_X_FORWARDED_FOR="36.85.1.10")
    assert locked.status_code == 429
    other = client.post(reverse("login"), right, HTTP_X_FORWARDED_FOR="114.4.5.6")
    assert other.status_code == 302
