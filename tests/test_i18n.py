"""English as a second language: the committed catalog, and the switcher in the footer.

The msgids are Indonesian. The compiled ``django.mo`` is committed next to ``django.po`` (a
fresh machine may lack gettext), so a test reads both and checks they agree.
"""

import ast
import datetime
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from renaksi.accounts.services import send_invitation
from renaksi.plans.lampiran import MONTH_ABBREVIATIONS
from renaksi.teams.models import Position
from renaksi.units.models import Unit

from .permission_world import build_world

CATALOG = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file as written by makemessages: keyword → text, plus flags."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"flags": ""}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line[2:]
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                key, text = line.split(" ", 1)
                entry[key] = ast.literal_eval(text)
        entries.append(entry)
    return entries


ENTRIES = po_entries(CATALOG / "django.po")
MESSAGES = [entry for entry in ENTRIES if entry["msgid"]]


def msgstrs(entry: dict) -> list[str]:
    return [text for key, text in entry.items() if key.startswith("msgstr")]


def test_catalog_has_every_message_translated_and_nothing_fuzzy():
    assert len(MESSAGES) > 400
    assert not [entry["msgid"] for entry in ENTRIES if "fuzzy" in entry["flags"]]
    untranslated = [entry["msgid"] for entry in MESSAGES if not all(msgstrs(entry))]
    assert not untranslated, f"msgids without an English msgstr: {untranslated}"
    plurals = [entry for entry in MESSAGES if "msgid_plural" in entry]
    assert plurals and all(len(msgstrs(entry)) == 2 for entry in plurals)


def test_committed_mo_matches_the_po():
    """Run `manage.py compilemessages` after editing the .po, and commit the .mo."""
    with open(CATALOG / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    expected = {}
    for entry in MESSAGES:
        key = entry["msgid"]
        if "msgctxt" in entry:
            key = f"{entry['msgctxt']}\x04{key}"
        if "msgid_plural" in entry:
            expected[(key, 0)] = entry["msgstr[0]"]
            expected[(key, 1)] = entry["msgstr[1]"]
        else:
            expected[key] = entry["msgstr"]
    compiled.pop("", None)  # the header
    assert compiled == expected


def test_python_strings_come_out_in_english():
    with translation.override("en"):
        assert _("Pekerjaan saya") == "My work"
        assert str(Unit.Level.PROVINSI.label) == "Province"
        assert str(Position.PENGARAH_KETUA.label) == "Chair of the Steering Team"
        assert str(Unit._meta.verbose_name) == "work unit"
        assert [str(m) for m in MONTH_ABBREVIATIONS][4:8] == ["MAY", "JUN", "JUL", "AUG"]
        assert pgettext("singkatan bulan", "DES") == "DEC"
        assert pgettext("daftar", "Satuan kerja") == "Work units"
        assert _("Satuan kerja") == "Work unit"
        assert ngettext("%(count)d temuan dikonfirmasi.", "", 1) % {"count": 1} == (
            "1 finding confirmed."
        )
        assert ngettext("%(count)d temuan dikonfirmasi.", "", 3) % {"count": 3} == (
            "3 findings confirmed."
        )
    assert pgettext("singkatan bulan", "MEI") == "MEI"


def test_times_use_a_colon_in_english_and_a_dot_in_indonesian():
    template = Template('{% load i18n %}{{ when|date:_("j F Y H.i") }}')
    context = Context({"when": datetime.datetime(2022, 4, 11, 10, 30)})
    assert template.render(context) == "11 April 2022 10.30"
    with translation.override("en"):
        assert template.render(context) == "11 April 2022 10:30"


def test_templates_come_out_in_english():
    with translation.override("en"):
        html = render_to_string("registration/login.html")
    assert "Sign in to Renaksi" in html
    assert "Forgot your password?" in html
    assert "Masuk ke Renaksi" not in html


# ---------------------------------------------------------------- the switcher


@pytest.fixture
def world(db):
    return build_world()


def my_work(client):
    return client.get(reverse("plans:my_work"), {"bulan": "2022-03"}).content.decode()


def test_pages_are_indonesian_by_default_whatever_the_browser_says(client, world):
    client.force_login(world.users["implementer5"])
    html = client.get(
        reverse("plans:my_work"), {"bulan": "2022-03"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    ).content.decode()
    assert '<html lang="id">' in html
    assert "Pekerjaan saya" in html
    assert "sub kegiatan dijadwalkan pada Maret 2022" in html
    assert '<option value="id" lang="id" selected>Bahasa Indonesia</option>' in html


def test_footer_form_posts_to_set_language_with_csrf_and_next(client, world):
    client.force_login(world.users["implementer5"])
    html = my_work(client)
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    next_url = reverse("plans:my_work") + "?bulan=2022-03"
    assert f'<input type="hidden" name="next" value="{next_url}">' in html
    assert '<option value="en" lang="en">English</option>' in html


def test_anonymous_can_switch_on_the_login_page(client, db):
    assert 'name="language"' in client.get(reverse("login")).content.decode()


def test_choosing_english_sets_the_cookie_and_the_next_page_is_english(client, world):
    client.force_login(world.users["implementer5"])
    next_url = reverse("plans:my_work") + "?bulan=2022-03"
    response = client.post(reverse("set_language"), {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    html = my_work(client)
    assert '<html lang="en">' in html
    assert "My work" in html and "Pekerjaan saya" not in html
    assert "1 sub-activity scheduled in March 2022" in html
    assert '<option value="en" lang="en" selected>English</option>' in html

    client.post(reverse("set_language"), {"language": "id", "next": next_url})
    assert "Pekerjaan saya" in my_work(client)


def test_an_unknown_language_changes_nothing(client, world):
    client.force_login(world.users["implementer5"])
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Pekerjaan saya" in my_work(client)


# ---------------------------------------------------------------- e-mails


@pytest.mark.django_db
def test_password_reset_email_is_in_the_language_of_the_person_asking(client, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3 * 86400
    User.objects.create_user(
        "budi", email="budi@kpu.go.id", password="rahasia-panjang-9", first_name="Budi"
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("password_reset"), {"email": "budi@kpu.go.id"})
    (message,) = mail.outbox
    assert message.subject == "Reset your Renaksi password"
    assert message.body.startswith("Dear Budi,")
    assert "Username: budi" in message.body
    assert "valid for 3 days." in message.body
    assert "Tautan" not in message.body


@pytest.mark.django_db
def test_invitation_is_in_indonesian_even_from_an_english_page(settings):
    settings.PASSWORD_RESET_TIMEOUT = 3 * 86400
    user = User.objects.create_user("rina", email="rina@kpu.go.id", first_name="Rina")
    with translation.override("en"):
        send_invitation(user, "https://renaksi.kpu.go.id")
        assert translation.get_language() == "en"
    (message,) = mail.outbox
    assert message.subject == "Anda diundang ke Renaksi"
    assert message.body.startswith("Yth. Rina,")
    assert "berlaku selama 3 hari." in message.body
