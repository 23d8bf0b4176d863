"""The error pages (renaksi/core/views.py): Indonesian, in the layout, a way back, no insides.

The English catalog gets the new texts from the lead's makemessages; until then an English
reader sees the Indonesian source text. The tests therefore check that the page follows the
language (``lang="en"``, the layout's English texts) and that its own texts are the ones
gettext gives for that language.
"""

from unittest import mock

import pytest
from django.conf import settings
from django.test import Client as DjangoClient
from django.test import RequestFactory, override_settings
from django.utils import translation
from django.utils.translation import gettext

from renaksi.core import views as error_views

from .error_urls import SECRET

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

LAYOUT_MARKERS = ('class="site-header"', 'class="site-footer"', "renaksi/app.css")


def assert_error_page(response, status, heading, *, language="id"):
    assert response.status_code == status
    body = response.content.decode()
    for marker in LAYOUT_MARKERS:
        assert marker in body, marker
    assert f'<html lang="{language}">' in body
    with translation.override(language):
        assert gettext(heading) in body
        assert f'href="/">{gettext("Ke halaman utama")}</a>' in body  # a way back
    assert 'name="viewport"' in body
    assert "Traceback" not in body
    assert SECRET not in body
    return body


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user("anggota", "anggota@renaksi.invalid", "x")


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# ---------- 404 ----------


def test_404_is_indonesian_in_the_layout(signed_in):
    response = signed_in.get("/tidak-ada-halaman-ini/")
    body = assert_error_page(response, 404, "Halaman tidak ditemukan")
    assert "Halaman tidak ditemukan" in body
    assert "Not Found" not in body
    # Signed in: the site's menu, no sign-in link.
    assert "Pekerjaan saya" in body
    assert "/masuk/?next=" not in body


def test_404_in_english_when_chosen(signed_in):
    response = english(signed_in).get("/tidak-ada-halaman-ini/")
    body = assert_error_page(response, 404, "Halaman tidak ditemukan", language="en")
    assert "My work" in body  # the layout follows the chosen language
    assert "Pekerjaan saya" not in body


def test_404_for_someone_not_signed_in_offers_sign_in(client):
    response = client.get("/tidak-ada-halaman-ini/")
    body = assert_error_page(response, 404, "Halaman tidak ditemukan")
    assert 'href="/masuk/?next=/tidak-ada-halaman-ini/"' in body


def test_back_link_only_to_a_page_of_this_site(signed_in):
    response = signed_in.get("/tidak-ada/", HTTP_REFERER="http://testserver/satker/?q=kab")
    assert 'href="/satker/?q=kab"' in response.content.decode()
    for referer in (
        "https://evil.example/satker/",
        "javascript:alert(1)",
        "http://testserver//evil.example/",
        "http://testserver/tidak-ada/",  # the failing page itself
    ):
        body = signed_in.get("/tidak-ada/", HTTP_REFERER=referer).content.decode()
        assert "Kembali ke halaman sebelumnya" not in body, referer
        assert "evil.example" not in body


# ---------- 403 ----------


def test_403_from_permission_denied(signed_in):
    response = signed_in.get("/uji/terlarang/")
    body = assert_error_page(response, 403, "Akses ditolak")
    assert "tidak memiliki hak" in body
    assert "units.change_unit" not in body
    assert "403 Forbidden" not in body


def test_403_in_english_when_chosen(signed_in):
    response = english(signed_in).get("/uji/terlarang/")
    assert_error_page(response, 403, "Akses ditolak", language="en")


def test_403_for_someone_not_signed_in(client):
    response = client.get("/uji/terlarang/")
    body = assert_error_page(response, 403, "Akses ditolak")
    assert "setelah masuk" in body
    assert 'href="/masuk/?next=/uji/terlarang/"' in body


# ---------- CSRF ----------


def test_expired_form_says_to_reload(member):
    client = DjangoClient(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(
        "/sandi/ubah/", {"old_password": "x"}, HTTP_REFERER="http://testserver/sandi/ubah/"
    )
    body = assert_error_page(response, 403, "Formulir sudah kedaluwarsa")
    assert "Muat ulang halaman formulir" in body
    assert 'href="/sandi/ubah/"' in body  # reload the form
    assert "CSRF" not in body
    assert "Forbidden" not in body


def test_expired_form_in_english_when_chosen(member):
    client = english(DjangoClient(enforce_csrf_checks=True))
    client.force_login(member)
    response = client.post("/sandi/ubah/", {"old_password": "x"})
    assert_error_page(response, 403, "Formulir sudah kedaluwarsa", language="en")


# ---------- 405 ----------


def test_405_is_a_page_with_a_way_back_not_a_blank(signed_in):
    response = signed_in.get("/uji/kirim/", HTTP_REFERER="http://testserver/satker/")
    body = assert_error_page(response, 405, "Tindakan tidak dapat dibuka sebagai halaman")
    assert response["Allow"] == "POST"
    assert 'href="/satker/"' in body
    assert signed_in.post("/uji/kirim/").content == b"done"


def test_405_in_english_when_chosen(signed_in):
    response = english(signed_in).get("/uji/kirim/")
    assert_error_page(response, 405, "Tindakan tidak dapat dibuka sebagai halaman", language="en")


# ---------- 400 ----------


def test_400_from_a_suspicious_request(signed_in):
    response = signed_in.get("/uji/curiga/")
    body = assert_error_page(response, 400, "Permintaan tidak dapat diproses")
    assert "tampered" not in body
    assert "Bad Request" not in body


def test_400_from_a_host_not_allowed(client):
    response = client.get("/", HTTP_HOST="evil.example", HTTP_REFERER="http://evil.example/x/")
    body = assert_error_page(response, 400, "Permintaan tidak dapat diproses")
    assert "evil.example" not in body
    assert "ALLOWED_HOSTS" not in body


def test_400_in_english_when_chosen(signed_in):
    response = english(signed_in).get("/uji/curiga/")
    assert_error_page(response, 400, "Permintaan tidak dapat diproses", language="en")


# ---------- 500 ----------


@pytest.fixture
def crashing_client(member):
    client = DjangoClient(raise_request_exception=False)
    client.force_login(member)
    return client


def test_500_is_indonesian_in_the_layout(crashing_client):
    response = crashing_client.get("/uji/rusak/", HTTP_REFERER="http://testserver/satker/")
    body = assert_error_page(response, 500, "Terjadi kesalahan")
    assert "sudah dicatat" in body
    assert "RuntimeError" not in body
    assert "settings.py" not in body
    assert 'href="/satker/"' in body  # back to where the reader came from
    assert "Server Error" not in body


def test_500_in_english_when_chosen(crashing_client):
    response = english(crashing_client).get("/uji/rusak/")
    assert_error_page(response, 500, "Terjadi kesalahan", language="en")


def test_500_when_the_database_failed(crashing_client):
    response = crashing_client.get("/uji/basis-data/")
    body = assert_error_page(response, 500, "Terjadi kesalahan")
    assert "10.0.0.5" not in body


def test_500_page_touches_no_database(django_assert_num_queries):
    request = RequestFactory().get("/uji/rusak/")
    with django_assert_num_queries(0):
        response = error_views.server_error(request)
    assert response.status_code == 500
    assert 'class="site-header"' in response.content.decode()


def test_500_when_the_context_processors_fail(crashing_client):
    templates = [{**settings.TEMPLATES[0]}]
    templates[0]["OPTIONS"] = {
        **templates[0]["OPTIONS"],
        "context_processors": ["tests.test_error_pages.broken_context_processor"],
    }
    with override_settings(TEMPLATES=templates):
        response = crashing_client.get("/uji/rusak/")
    assert_error_page(response, 500, "Terjadi kesalahan")


def broken_context_processor(request):
    raise RuntimeError(f"{SECRET}: context processor")


def test_500_falls_back_to_a_fixed_page_when_the_template_fails(crashing_client):
    with mock.patch.object(error_views.loader, "render_to_string", side_effect=ValueError):
        response = crashing_client.get("/uji/rusak/")
        english_response = english(crashing_client).get("/uji/rusak/")
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="id">' in body
    assert "Terjadi kesalahan" in body
    assert 'href="/"' in body
    assert "Traceback" not in body and SECRET not in body
    english_body = english_response.content.decode()
    assert english_response.status_code == 500
    assert "Something went wrong" in english_body
    assert '<html lang="en">' in english_body


# ---------- On a phone ----------


@pytest.mark.django_db(transaction=True)
def test_error_pages_fit_a_phone(live_server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    for path, status in (("/tidak-ada/", 404), ("/uji/rusak/", 500), ("/uji/terlarang/", 403)):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == status
        assert page.locator("h1#error-title").is_visible()
        assert page.locator(".error-page__links a").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        page.screenshot(path=tmp_path / f"error-{status}-390.png", full_page=True)
    # The 404 and 403 statuses are logged as console errors by chromium; nothing else may be.
    assert all("status of" in problem for problem in problems), problems
