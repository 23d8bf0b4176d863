"""Sign-in and password-reset input that used to fail or could be abused (issue 6).

* A login longer than the field is a form error, not a 500: django-axes records failed logins
  in a 255-character column, which PostgreSQL enforces (run this file on PostgreSQL too).
* Password-reset requests are limited per e-mail address and per client address.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def budi():
    return User.objects.create_user("budi", email="Budi@KPU.go.id", password="rahasia-panjang-1")


@pytest.mark.parametrize(
    "login",
    ["a" * 255, "b" * 5000, "c" * 300 + "@kpu.go.id"],
    ids=["255", "5000", "email-310"],
)
def test_a_login_longer_than_the_field_is_a_form_error(client, login):
    response = client.post(reverse("login"), {"username": login, "password": "apa-saja"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "terlalu panjang: paling banyak 254 huruf" in html
    assert not AccessAttempt.objects.exists()  # never reached authentication


def test_a_login_of_254_characters_that_grows_when_lower_cased(client):
    """'İ'.lower() is two characters: the lock-out's counter name must still fit."""
    response = client.post(reverse("login"), {"username": "İ" * 254, "password": "apa-saja"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()
    attempt = AccessAttempt.objects.get()
    assert len(attempt.username) <= 255


def test_the_longest_allowed_login_still_signs_in(client):
    email = "x" * 240 + "@kpu.go.id"  # 250 characters
    User.objects.create_user("panjang", email=email, password="rahasia-panjang-1")
    response = client.post(reverse("login"), {"username": email, "password": "rahasia-panjang-1"})
    assert response.status_code == 302


def reset(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_reset_requests_are_limited_per_address(client, settings, budi):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    for _ in range(3):
        assert reset(client, "budi@kpu.go.id").status_code == 302
    assert len(mail.outbox) == 3
    # The same address in another case, from another client: still the same address.
    response = reset(client, "BUDI@kpu.GO.id", REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    html = response.content.decode()
    assert "sudah diminta 3 kali dalam 60 menit terakhir" in html
    assert "Coba lagi dalam 60 menit" in html
    assert int(response["Retry-After"]) > 3500
    assert len(mail.outbox) == 3  # nothing sent when limited
    # Another address is not affected.
    assert reset(client, "lain@kpu.go.id").status_code == 302


def test_an_unknown_address_is_limited_the_same_way(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    for _ in range(2):
        assert reset(client, "siapa@kpu.go.id").status_code == 302
    assert reset(client, "siapa@kpu.go.id").status_code == 429
    assert mail.outbox == []


def test_reset_requests_are_limited_per_client(client, settings, budi):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 4
    for index in range(4):
        assert reset(client, f"orang{index}@kpu.go.id").status_code == 302
    response = reset(client, "budi@kpu.go.id")
    assert response.status_code == 429
    assert "dari perangkat atau jaringan Anda" in response.content.decode()
    assert mail.outbox == []
    # Another client may still ask for the same address.
    assert reset(client, "budi@kpu.go.id", REMOTE_ADDR="10.1.2.3").status_code == 302
    assert len(mail.outbox) == 1


def test_behind_a_proxy_the_client_is_the_forwarded_address(client, settings):
    settings.PROXY_COUNT = 1
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 1
    assert reset(client, "a@kpu.go.id", HTTP_X_FORWARDED_FOR="36.85.1.10").status_code == 302
    assert reset(client, "b@kpu.go.id", HTTP_X_FORWARDED_FOR="36.85.1.10").status_code == 429
    assert reset(client, "c@kpu.go.id", HTTP_X_FORWARDED_FOR="114.4.5.6").status_code == 302


def test_the_limit_lifts_after_the_window(client, settings, budi, monkeypatch):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    settings.PASSWORD_RESET_LIMIT_MINUTES = 10
    assert reset(client, budi.email).status_code == 302
    refused = reset(client, budi.email)
    assert refused.status_code == 429
    assert "dalam 10 menit terakhir" in refused.content.decode()
    later = time.time() + 601
    monkeypatch.setattr(time, "time", lambda: later)
    assert reset(client, budi.email).status_code == 302
    assert len(mail.outbox) == 2


def test_refused_requests_do_not_extend_the_window(client, settings, budi, monkeypatch):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    settings.PASSWORD_RESET_LIMIT_MINUTES = 10
    start = time.time()
    assert reset(client, budi.email).status_code == 302
    monkeypatch.setattr(time, "time", lambda: start + 540)
    refused = reset(client, budi.email)
    assert refused.status_code == 429
    assert 50 <= int(refused["Retry-After"]) <= 61
    monkeypatch.setattr(time, "time", lambda: start + 601)
    assert reset(client, budi.email).status_code == 302


def read_limits(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PASSWORD_RESET_")}
    clean.update(SECRET_KEY="x", **env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import renaksi.settings as s; print(s.PASSWORD_RESET_LIMIT_PER_ADDRESS, "
            "s.PASSWORD_RESET_LIMIT_PER_CLIENT, s.PASSWORD_RESET_LIMIT_MINUTES)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_limits_come_from_the_environment_with_defaults(tmp_path):
    result = read_limits(RENAKSI_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "10", "60"]
    result = read_limits(
        RENAKSI_DATA_DIR=str(tmp_path),
        PASSWORD_RESET_LIMIT_PER_ADDRESS="5",
        PASSWORD_RESET_LIMIT_PER_CLIENT="20",
        PASSWORD_RESET_LIMIT_MINUTES="15",
    )
    assert result.stdout.split() == ["5", "20", "15"]


def test_a_bad_limit_fails_loudly(tmp_path):
    result = read_limits(RENAKSI_DATA_DIR=str(tmp_path), PASSWORD_RESET_LIMIT_PER_CLIENT="0")
    assert result.returncode != 0
    assert "PASSWORD_RESET_LIMIT_PER_CLIENT must be a whole number >= 1" in result.stderr
