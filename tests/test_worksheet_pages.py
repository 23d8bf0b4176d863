"""The worksheet page of an assessment: download the XLSX, upload a filled one."""

import io
from fractions import Fraction

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from renaksi.audit.models import LogEntry
from renaksi.evaluation.models import Answer
from renaksi.evaluation.worksheet import build_xlsx

from . import evidence_samples as samples
from .matrix_common import NONE
from .matrix_evaluation_worksheet import UPLOAD_ROW, assessment_of
from .permission_world import PERSONAS, UNIT_CODES, build_world
from .test_permission_matrix import is_allowed
from .test_worksheet import fill, rows_by_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def assessment(world):
    return assessment_of(world, "6107")


def page(assessment):
    return reverse("evaluation:worksheet", args=[assessment.pk])


def upload(client, assessment, data, name="lke.xlsx"):
    return client.post(page(assessment), {"berkas": SimpleUploadedFile(name, data)})


def test_upload_matrix(client, world):
    """Who may upload a filled worksheet into which unit's assessment (POST of the page)."""
    unexpected = []
    for persona in PERSONAS:
        client.logout()
        if world.users[persona] is not None:
            client.force_login(world.users[persona])
        for code in UNIT_CODES:
            response = client.post(UPLOAD_ROW.path(world, code), UPLOAD_ROW.data(world, code))
            expected = code in UPLOAD_ROW.allowed.get(persona, NONE)
            if is_allowed(response) != expected:
                unexpected.append((persona, code, response.status_code, expected))
    assert not unexpected


def test_denials_are_404_for_unseen_and_403_for_seen(client, world, assessment):
    client.force_login(world.users["other_regency"])
    assert client.get(page(assessment)).status_code == 404
    client.force_login(world.users["assessor"])  # reads Bengkayang, does not fill its LKE
    assert client.get(page(assessment)).status_code == 403
    client.force_login(world.users["province_reviewer"])
    assert upload(client, assessment, build_xlsx(assessment.framework)).status_code == 403


def test_page_offers_the_download_and_the_upload(client, world, assessment):
    client.force_login(world.users["unit_admin"])
    response = client.get(page(assessment))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("evaluation:worksheet_download", args=[assessment.pk]) in html
    assert 'enctype="multipart/form-data"' in html
    assert "KPU Kabupaten Bengkayang" in html
    assert reverse("evaluation:assessment", args=[assessment.pk]) in html  # back to the LKE


def test_download_is_the_assessment_worksheet(client, world, assessment):
    items = {n.code: n for n in assessment.framework.nodes.all()}
    Answer.objects.create(assessment=assessment, item=items["A.1.ii.b"], option="b")
    client.force_login(world.users["steering"])
    response = client.get(reverse("evaluation:worksheet_download", args=[assessment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="lke-matriks-2022-6107-2022.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["LKE"]
    assert sheet[f"E{rows_by_code(sheet)['A.1.ii.b']}"].value == "B"


def test_upload_saves_the_answers(client, world, assessment):
    user = world.users["implementer5"]
    client.force_login(user)
    data = fill(assessment.framework, {"A.1.ii.a": {"E": "Ya"}, "A.2.i.a": {"F": 3, "G": 4}})
    response = upload(client, assessment, data)
    assert response.status_code == 302
    assert response["Location"] == page(assessment)
    answers = Answer.objects.filter(assessment=assessment, tier="self")
    assert {a.item.code for a in answers} == {"A.1.ii.a", "A.2.i.a"}
    assert all(a.answered_by == user for a in answers)
    entry = LogEntry.objects.get(action="evaluation.worksheet_imported")
    assert entry.actor == user
    followed = client.get(response["Location"]).content.decode()
    assert "Lembar kerja diimpor: 2 jawaban disimpan" in followed


def test_upload_with_problems_lists_them_and_saves_nothing(client, world, assessment):
    client.force_login(world.users["unit_admin"])
    data = fill(assessment.framework, {"A.1.ii.a": {"E": "Ya"}, "A.1.iii.a": {"E": "F"}})
    row = rows_by_code(load_workbook(io.BytesIO(data))["LKE"])["A.1.iii.a"]
    response = upload(client, assessment, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Baris {row}, sel E{row}: jawaban “F” bukan salah satu pilihan (A, B, C, D)." in html
    assert "Tidak ada yang disimpan" in html
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("lke.xlsx", samples.handmade_pdf(), "bukan lembar kerja Excel (.xlsx)"),
        ("lke.xlsx", b"MZ\x90\x00" + b"\x00" * 200, "ditolak"),
        ("lke.xlsx", b"", "kosong"),
    ],
)
def test_upload_is_checked_by_its_content(client, world, assessment, name, data, message):
    client.force_login(world.users["unit_admin"])
    response = upload(client, assessment, data, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LogEntry.objects.filter(action="evaluation.worksheet_imported").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (samples.docx(), "bukan lembar kerja Excel (.xlsx)"),
        (samples.xlsm_content_type(), "makro"),
        (samples.zip_bomb_docx(), "ditolak"),
        (samples.xlsx(), "Lembar “LKE” tidak ada di berkas ini"),  # any other workbook
    ],
)
def test_office_files_that_are_not_the_worksheet_are_refused(
    client, world, assessment, data, message
):
    client.force_login(world.users["unit_admin"])
    response = upload(client, assessment, data, name="lke.xlsx")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Answer.objects.exists()


def test_upload_is_checked_by_its_size(client, world, assessment, settings):
    settings.RENAKSI_LKE_WORKSHEET_MAX_BYTES = 1000
    client.force_login(world.users["unit_admin"])
    response = upload(client, assessment, build_xlsx(assessment.framework))
    assert response.status_code == 400
    assert "terlalu besar" in response.content.decode()


def test_upload_is_refused_while_the_lke_is_locked(client, world, assessment, monkeypatch):
    monkeypatch.setattr("renaksi.submissions.locks.lke_locked", lambda unit_id, year: True)
    client.force_login(world.users["unit_admin"])
    response = upload(client, assessment, build_xlsx(assessment.framework))
    assert response.status_code == 400
    assert "sedang ditinjau tingkat di atas" in response.content.decode()
    assert not LogEntry.objects.filter(action="evaluation.worksheet_imported").exists()


def test_queries_do_not_grow_with_the_answers(client, world, assessment):
    client.force_login(world.users["unit_admin"])
    url = reverse("evaluation:worksheet_download", args=[assessment.pk])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
        assert client.get(page(assessment)).status_code == 200
    items = list(assessment.framework.nodes.filter(kind="item"))
    for item in items:
        Answer.objects.create(
            assessment=assessment,
            item=item,
            option="a" if item.answer_type not in ("percent", "survey_0_4", "range_0_100") else "",
            counts={"numerator": 1, "denominator": 2} if item.answer_type == "percent" else {},
            number=3 if item.answer_type in ("survey_0_4", "range_0_100") else None,
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
        assert client.get(page(assessment)).status_code == 200
    assert len(many) == len(few)


def test_numbers_follow_the_language(client, world, assessment):
    """The message after an upload writes the index the way the page's language does."""
    from django.utils import translation

    client.force_login(world.users["unit_admin"])
    data = fill(assessment.framework, {"A.1.ii.a": {"E": "Ya"}})
    response = upload(client, assessment, data)
    assert "Indeks sekarang 0,33." in client.get(response["Location"]).content.decode()
    with translation.override("en"):
        from renaksi.evaluation.worksheet import _comma

        assert _comma(Fraction(2, 3)) == "0.67"
    assert _comma(Fraction(2, 3)) == "0,67"
