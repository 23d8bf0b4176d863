"""The self-assessment pages (renaksi/evaluation/views_assessment.py): the unit's list and
starting an LKE, the worksheet overview, an area's page with a form per item, one item's
page, saving (errors at the field, conflicts keep the text), tiers side by side, the
previous year, indicator links, uploaded files; constant query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.audit.models import LogEntry
from renaksi.evaluation import services
from renaksi.evaluation.models import Answer, AnswerFile, Assessment, IndicatorLink, Tier
from renaksi.plans.models import ActionPlan, Indicator
from renaksi.submissions.models import Submission

from .assessment_world import build_framework, indicator_value, items, verified_evidence
from .permission_world import build_world
from .work_realisation_world import pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def framework():
    return build_framework()


def start(world, framework, code="6107", year=2022):
    return services.assessment_for(
        world.units[code], year, framework, create=True, actor=world.users["superuser"]
    )


def answer(world, assessment, code, raw, *, persona="unit_admin", tier=Tier.SELF, **kwargs):
    item = items(assessment.framework)[code]
    current = Answer.objects.filter(assessment=assessment, item=item, tier=tier).first()
    return services.save_answer(
        world.users[persona],
        services.assessments_qs().get(pk=assessment.pk),
        item,
        tier=tier,
        raw=raw,
        expected_version=current.version if current else None,
        **kwargs,
    )


def login(client, world, persona):
    client.force_login(world.users[persona])


def area_url(assessment, code="A.1"):
    return reverse("evaluation:assessment_area", args=[assessment.pk, code])


def answer_url(assessment, code):
    item = items(assessment.framework)[code]
    return reverse("evaluation:assessment_answer", args=[assessment.pk, item.pk])


def _answer_block(html, assessment, code):
    """The answer's field group of an item's form (where its errors show)."""
    item = items(assessment.framework)[code]
    start = html.index(f'id="kolom-b{item.pk}-answer"')
    return html[html.rindex("<", 0, start) : html.index("</fieldset>", start)]


def post_data(assessment, code, tier=Tier.SELF, version="", **fields):
    item = items(assessment.framework)[code]
    prefix = f"b{item.pk}"
    data = {f"{prefix}-tier": tier, f"{prefix}-version": version}
    for name, value in fields.items():
        data[f"{prefix}-{name}"] = value
    return data


# -- the list and starting ---------------------------------------------------------------------


def test_the_plan_page_links_the_units_lke_without_a_query(client, world):
    login(client, world, "unit_admin")
    plan = world.plans["6107"]
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert reverse("evaluation:assessments", args=[plan.unit_id, plan.year]) in response.text


def test_the_list_starts_an_lke(client, world, framework):
    login(client, world, "unit_admin")
    unit = world.units["6107"]
    url = reverse("evaluation:assessments", args=[unit.pk, 2022])
    page = client.get(url)
    assert "Belum ada LKE tahun 2022" in page.text and framework.title in page.text
    response = client.post(
        reverse("evaluation:assessment_start", args=[unit.pk, 2022]), {"framework": framework.pk}
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:assessment", args=[assessment.pk])
    page = client.get(url)
    assert f'data-assessment="{assessment.pk}"' in page.text
    # A reader sees the list but no start form.
    login(client, world, "province_reviewer")
    page = client.get(url)
    assert page.status_code == 200 and "Mulai LKE" not in page.text


# -- the worksheet -------------------------------------------------------------------------------


def test_the_overview_shows_scores_gaps_and_the_previous_year(client, world, framework):
    last_year_plan = ActionPlan.objects.create(unit=world.units["6107"], year=2021)
    old_framework = build_framework("uji-2021", 2021)  # same family, an older version
    old = services.assessment_for(
        world.units["6107"], 2021, old_framework, create=True, actor=world.users["superuser"]
    )
    assert old.plan_id == last_year_plan.pk
    item = items(old_framework)["A.1.i.a"]
    services.save_answer(world.users["superuser"], old, item, raw="tidak")
    assessment = start(world, framework)
    evidence = verified_evidence(world.plans["6107"], world.users["unit_admin"])
    answer(world, assessment, "A.1.i.a", "ya", evidence_ids=[evidence.pk])
    answer(world, assessment, "A.1.i.b", "a")

    login(client, world, "unit_admin")
    page = client.get(reverse("evaluation:assessment", args=[assessment.pk])).text
    # A.1 = 1 × (1 + 1 + 0)/3 = 0.67; last year 0; + 0,67
    row = re.search(r'data-node="A.1">(.*?)</tr>', page, re.S).group(1)
    assert "0,67" in row and "+0,67" in row
    assert "Tahun 2021" in page
    gaps = page.split('id="belum-dijawab"')[1].split("</section>")[0]
    assert "A.1.i.c" in gaps and "A.1.i.a" not in gaps
    missing = page.split('id="tanpa-bukti"')[1].split("</section>")[0]
    assert "A.1.i.b" in missing and "A.1.i.a" not in missing
    assert area_url(assessment) + f"#butir-{items(framework)['A.1.i.b'].pk}" in missing


def test_the_area_page_shows_each_item_with_its_tiers_and_evidence(client, world, framework):
    assessment = start(world, framework)
    evidence = verified_evidence(world.plans["6107"], world.users["unit_admin"], title="SK 12")
    answer(
        world, assessment, "A.1.i.b", "a", justification="SK nomor 12", evidence_ids=[evidence.pk]
    )
    answer(
        world,
        assessment,
        "A.1.i.b",
        "c",
        persona="province_reviewer",
        tier=Tier.PROVINCE,
        justification="SK belum ditandatangani",
    )
    login(client, world, "unit_admin")
    page = client.get(area_url(assessment)).text
    card = page.split('data-item="A.1.i.b"')[1].split("</article>")[0]
    assert "SK nomor 12" in card and "SK belum ditandatangani" in card
    assert "SK 12 (Maret)" in card
    province = card.split('data-tier="province"')[1].split("</div>")[0]
    assert "C" in province
    # The administrator's form is for the unit's own answer only, with it chosen.
    assert 'value="self"' in card and 'value="province"' not in card
    assert re.search(r'value="a" id="[^"]+" checked', card)
    assert re.search(rf'value="{evidence.pk}" id="[^"]+" checked', card)


def test_each_viewer_gets_only_the_tier_they_may_write(client, world, framework):
    assessment = start(world, framework)
    expected = {
        "unit_admin": "self",
        "assessor": "unit_assessor",
        "province_reviewer": "province",
        "national_reviewer": "national",
    }
    for persona, tier in expected.items():
        login(client, world, persona)
        page = client.get(area_url(assessment)).text
        tiers = set(re.findall(r'name="b\d+-tier" value="(\w+)"', page))
        assert tiers == {tier}, persona
    for persona in ("national_viewer", "agent"):
        login(client, world, persona)
        page = client.get(area_url(assessment)).text
        assert not re.findall(r'name="b\d+-tier"', page), persona
        assert "lke-form" not in page, persona


def test_saving_an_answer_from_the_area_page(client, world, framework):
    assessment = start(world, framework)
    login(client, world, "steering")
    response = client.post(
        answer_url(assessment, "A.1.i.b"),
        post_data(assessment, "A.1.i.b", option="b", justification="Sebagian anggota"),
    )
    assert response.status_code == 302
    item = items(framework)["A.1.i.b"]
    assert response["Location"] == area_url(assessment) + f"#butir-{item.pk}"
    saved = Answer.objects.get(item=item)
    assert (saved.option, saved.justification) == ("b", "Sebagian anggota")
    assert Assessment.objects.get(pk=assessment.pk).answered_count == 1


def test_counts_are_saved_and_bad_counts_come_back_at_the_field(client, world, framework):
    assessment = start(world, framework)
    login(client, world, "unit_admin")
    url = answer_url(assessment, "A.1.ii.b")
    response = client.post(
        url,
        post_data(
            assessment,
            "A.1.ii.b",
            count_numerator="16",
            count_denominator="15",
            justification="Data LHKPN",
        ),
    )
    assert response.status_code == 400
    text = response.text
    assert "pembilang (16) tidak boleh lebih besar dari penyebut (15)" in text
    block = _answer_block(text, assessment, "A.1.ii.b")
    assert "field--error" in block and "tidak boleh lebih besar" in block
    assert 'value="16"' in text and "Data LHKPN" in text  # what was typed is kept
    assert not Answer.objects.exists()
    response = client.post(
        url, post_data(assessment, "A.1.ii.b", count_numerator="-2", count_denominator="15")
    )
    assert "tidak boleh negatif" in response.text
    response = client.post(
        url, post_data(assessment, "A.1.ii.b", count_numerator="12", count_denominator="15")
    )
    assert response.status_code == 302
    assert Answer.objects.get().counts == {"numerator": 12, "denominator": 15}


def test_an_answer_outside_the_options_is_refused_with_the_item_code(client, world, framework):
    assessment = start(world, framework)
    login(client, world, "unit_admin")
    response = client.post(
        answer_url(assessment, "A.1.i.b"), post_data(assessment, "A.1.i.b", option="f")
    )
    assert response.status_code == 400
    assert not Answer.objects.exists()
    block = _answer_block(response.text, assessment, "A.1.i.b")
    assert "field--error" in block
    assert "Butir A.1.i.b: jawaban “f” bukan salah satu pilihan" in block


def test_a_reviewer_who_differs_is_asked_for_a_reason_at_the_field(client, world, framework):
    assessment = start(world, framework)
    answer(world, assessment, "A.1.i.b", "a")
    login(client, world, "province_reviewer")
    response = client.post(
        answer_url(assessment, "A.1.i.b"),
        post_data(assessment, "A.1.i.b", tier=Tier.PROVINCE, option="c"),
    )
    assert response.status_code == 400
    assert "berbeda dari penilaian mandiri" in response.text
    assert not Answer.objects.filter(tier=Tier.PROVINCE).exists()


def test_a_tier_the_viewer_may_not_write_is_403(client, world, framework):
    assessment = start(world, framework)
    login(client, world, "assessor")
    for tier in (Tier.SELF, Tier.PROVINCE, Tier.NATIONAL):
        response = client.post(
            answer_url(assessment, "A.1.i.a"),
            post_data(assessment, "A.1.i.a", tier=tier, option="ya", justification="x"),
        )
        assert response.status_code == 403, tier
    assert not Answer.objects.exists()


def test_the_second_person_keeps_their_text_on_a_conflict(client, world, framework):
    assessment = start(world, framework)
    answer(world, assessment, "A.1.i.b", "a", justification="Versi administrator")
    login(client, world, "steering")
    # The steering member opened the form before the administrator saved (no version).
    response = client.post(
        answer_url(assessment, "A.1.i.b"),
        post_data(assessment, "A.1.i.b", option="c", justification="Versi Tim Pengarah"),
    )
    assert response.status_code == 409
    assert "sudah diubah orang lain" in response.text
    assert "Versi Tim Pengarah" in response.text  # their text, in the form
    assert re.search(r'value="c" id="[^"]+" checked', response.text)  # and their choice
    assert "Versi administrator" in response.text  # the current answer, above it
    current = Answer.objects.get()
    assert current.justification == "Versi administrator"
    # The form now carries the current version: saving again works.
    version = re.search(r'name="b\d+-version" value="(\d+)"', response.text).group(1)
    response = client.post(
        answer_url(assessment, "A.1.i.b"),
        post_data(
            assessment, "A.1.i.b", version=version, option="c", justification="Versi Tim Pengarah"
        ),
    )
    assert response.status_code == 302
    assert Answer.objects.get().justification == "Versi Tim Pengarah"


def test_a_locked_lke_shows_no_form_for_the_unit_and_refuses_a_post(client, world, framework):
    assessment = start(world, framework)
    Submission.objects.create(
        unit=world.units["6107"],
        year=2022,
        quarter=1,
        plan=world.plans["6107"],
        state=Submission.State.SUBMITTED,
        at_unit=world.units["61"],
    )
    login(client, world, "unit_admin")
    page = client.get(area_url(assessment)).text
    assert "sedang ditinjau" in page and not re.findall(r'name="b\d+-tier"', page)
    response = client.post(
        answer_url(assessment, "A.1.i.a"), post_data(assessment, "A.1.i.a", option="ya")
    )
    assert response.status_code == 302
    assert not Answer.objects.exists()
    follow = client.get(response["Location"])
    assert "sedang ditinjau" in follow.text
    # The province still scores.
    login(client, world, "province_reviewer")
    assert 'value="province"' in client.get(area_url(assessment)).text


def test_the_item_page_lists_every_verified_evidence_item(client, world, framework):
    assessment = start(world, framework)
    first = verified_evidence(world.plans["6107"], world.users["unit_admin"], month=3)
    second = verified_evidence(
        world.plans["6107"], world.users["unit_admin"], month=6, title="Notulen"
    )
    verified_evidence(world.plans["6101"], world.users["unit_admin"], month=3, title="Sambas")
    login(client, world, "unit_admin")
    item = items(framework)["A.1.i.a"]
    page = client.get(reverse("evaluation:assessment_item", args=[assessment.pk, item.pk])).text
    assert f'value="{first.pk}"' in page and f'value="{second.pk}"' in page
    assert "Sambas" not in page
    response = client.post(
        answer_url(assessment, "A.1.i.a"),
        {**post_data(assessment, "A.1.i.a", option="ya"), f"b{item.pk}-evidence": [second.pk]},
    )
    assert response.status_code == 302
    assert list(Answer.objects.get().evidence.all()) == [second]
    assert Assessment.objects.get(pk=assessment.pk).without_evidence_count == 0


def test_an_uploaded_file_is_downloaded_by_readers_only(client, world, framework):
    assessment = start(world, framework)
    login(client, world, "unit_admin")
    item = items(framework)["A.1.i.a"]
    response = client.post(
        answer_url(assessment, "A.1.i.a"),
        {**post_data(assessment, "A.1.i.a", option="ya"), f"b{item.pk}-files": pdf_file("sk.pdf")},
    )
    assert response.status_code == 302
    link = AnswerFile.objects.get()
    url = reverse("evaluation:assessment_file", args=[link.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    login(client, world, "other_regency")
    assert client.get(url).status_code == 404
    # Detaching it from the form.
    login(client, world, "unit_admin")
    current = Answer.objects.get()
    response = client.post(
        answer_url(assessment, "A.1.i.a"),
        {
            **post_data(assessment, "A.1.i.a", version=str(current.version), option="ya"),
            f"b{item.pk}-remove_files": [link.pk],
        },
    )
    assert response.status_code == 302
    assert not AnswerFile.objects.exists()


def test_links_page_links_an_indicator_and_feeds_the_item(client, world, framework):
    assessment = start(world, framework)
    plan = world.plans["6107"]
    indicator = Indicator.objects.get(sub_activity=world.subs[("6107", 5)])
    indicator.kind = Indicator.Kind.PERSENTASE
    indicator.target_value = 100
    indicator.save()
    item = items(framework)["A.1.ii.b"]
    login(client, world, "unit_admin")
    url = reverse("evaluation:assessment_links", args=[assessment.pk])
    response = client.post(url, {"indicator": indicator.pk, "target": f"{item.pk}:"})
    assert response.status_code == 302
    assert IndicatorLink.objects.get().input == ""
    indicator_value(plan, indicator, "75", month=6)
    page = client.get(url).text
    assert "75" in page and "Juni" in page
    response = client.post(reverse("evaluation:assessment_feed", args=[assessment.pk]))
    assert response.status_code == 302
    saved = Answer.objects.get()
    assert saved.counts == {"numerator": 3, "denominator": 4}
    area = client.get(area_url(assessment)).text
    assert "dari indikator" in area and "Juni" in area
    # The steering member fills but does not manage links.
    login(client, world, "steering")
    assert client.post(url, {"indicator": indicator.pk, "target": f"{item.pk}:"}).status_code == 403
    link = IndicatorLink.objects.get()
    delete = reverse("evaluation:assessment_link_delete", args=[assessment.pk, link.pk])
    assert client.post(delete).status_code == 403
    login(client, world, "unit_admin")
    assert client.post(delete).status_code == 302
    assert not IndicatorLink.objects.exists()
    assert LogEntry.objects.filter(action="evaluation.link_removed").exists()


# -- query counts ------------------------------------------------------------------------------


def _fill(world, assessment):
    evidence = verified_evidence(world.plans[assessment.unit.code], world.users["unit_admin"])
    for code, node in items(assessment.framework).items():
        raw = {
            "yes_no": "ya",
            "abc": "b",
            "abcd": "c",
            "abcde": "d",
            "survey_0_4": "3",
        }.get(node.answer_type, {"numerator": "3", "denominator": "4"})
        answer(
            world,
            assessment,
            code,
            raw,
            evidence_ids=[evidence.pk],
            files=[pdf_file(salt=code.encode())] if code.endswith("x1") else (),
        )
        answer(
            world,
            assessment,
            code,
            raw,
            persona="province_reviewer",
            tier=Tier.PROVINCE,
            justification="catatan",
        )


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["unit_admin", "province_reviewer"])
def test_pages_make_the_same_number_of_queries_at_two_sizes(client, world, persona):
    small_fw = build_framework("uji-kecil", 2022, family="kecil", extra=2)
    large_fw = build_framework("uji-besar", 2022, family="besar", extra=40)
    small = start(world, small_fw)
    large = start(world, large_fw)
    _fill(world, small)
    _fill(world, large)
    login(client, world, persona)
    for name, args in (
        ("evaluation:assessment", []),
        ("evaluation:assessment_area", ["B.1"]),
        ("evaluation:assessment_links", []),
    ):
        counts = [
            _queries(client, reverse(name, args=[assessment.pk, *args]))
            for assessment in (small, large)
        ]
        assert counts[0] == counts[1], (name, counts)
    item_counts = [
        _queries(
            client,
            reverse(
                "evaluation:assessment_item",
                args=[assessment.pk, items(assessment.framework)["B.1.i.x1"].pk],
            ),
        )
        for assessment in (small, large)
    ]
    assert item_counts[0] == item_counts[1]
    list_count = _queries(client, reverse("evaluation:assessments", args=[small.unit_id, 2022]))
    assert list_count < 15


# -- a shipped framework ---------------------------------------------------------------------


def test_a_reviewers_note_without_a_score_keeps_the_units_answer_in_its_total(
    client, world, framework
):
    assessment = start(world, framework)
    answer(world, assessment, "A.1.i.a", "ya")
    answer(
        world,
        assessment,
        "A.1.i.a",
        "",
        persona="province_reviewer",
        tier=Tier.PROVINCE,
        justification="Mohon unggah SK yang ditandatangani",
    )
    answer(
        world,
        assessment,
        "A.1.i.b",
        "a",
        persona="province_reviewer",
        tier=Tier.PROVINCE,
        justification="Prosedur pemilihan ada",
    )
    login(client, world, "province_reviewer")
    page = client.get(reverse("evaluation:assessment", args=[assessment.pk])).text
    row = re.search(r'data-tier="province">(.*?)</tr>', page, re.S).group(1)
    # One item scored by the province (A.1.i.b = A); A.1.i.a keeps the unit's Ya:
    # 1 × (1 + 1 + 0)/3 = 0,67.
    assert '<td class="num">1</td>' in row and "0,67" in row


@pytest.mark.parametrize("family", ["zi", "pmprb", "rb-general"])
def test_every_shipped_framework_opens_on_the_pages(client, world, family):
    from renaksi.evaluation.frameworks import load_shipped
    from renaksi.evaluation.models import Framework

    load_shipped()
    shipped = Framework.objects.filter(family=family).first()
    assert shipped is not None, f"no shipped framework of family {family}"
    assessment = start(world, shipped)
    login(client, world, "unit_admin")
    detail = client.get(reverse("evaluation:assessment", args=[assessment.pk]))
    assert detail.status_code == 200
    pages = sorted(set(re.findall(r'href="(/lke/\d+/bagian/[^"]+/)"', detail.text)))
    assert pages
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_the_shipped_zi_framework_fills_and_scores_on_the_pages(client, world):
    """The Zona Integritas LKE as shipped (renaksi/evaluation/data/frameworks/zi-2021.yaml):
    every area page opens, an answer saved on it moves the cached totals."""
    from renaksi.evaluation.frameworks import load_shipped
    from renaksi.evaluation.models import Framework, Node

    load_shipped()
    zi = Framework.objects.get(family="zi")
    assessment = start(world, zi)
    assert assessment.item_count == zi.nodes.filter(kind=Node.Kind.ITEM).count() > 100
    login(client, world, "unit_admin")
    detail = client.get(reverse("evaluation:assessment", args=[assessment.pk]))
    assert detail.status_code == 200
    area_links = re.findall(r'href="(/lke/\d+/bagian/[^"]+/)"', detail.text)
    assert len(set(area_links)) >= 6
    for url in sorted(set(area_links)):
        assert client.get(url).status_code == 200, url
    first = zi.nodes.filter(kind=Node.Kind.ITEM, answer_type="yes_no").order_by("sequence")[0]
    prefix = f"b{first.pk}"
    response = client.post(
        reverse("evaluation:assessment_answer", args=[assessment.pk, first.pk]),
        {f"{prefix}-tier": "self", f"{prefix}-version": "", f"{prefix}-option": "ya"},
    )
    assert response.status_code == 302
    current = Assessment.objects.get(pk=assessment.pk)
    assert current.answered_count == 1 and current.index_value > 0


def test_periods_are_named_as_the_plan_counts_them():
    from renaksi.evaluation.views_assessment import month_label

    assert month_label(6) == "Juni"
    assert month_label(2, "quarter") == "TW II"
    assert month_label(None) == ""


def test_an_item_the_sources_do_not_say_how_to_answer_has_no_form_and_no_gap(
    client, world, framework
):
    from renaksi.evaluation.models import Node

    sub = Node.objects.get(framework=framework, code="B.1.i")
    last = framework.nodes.order_by("-sequence").first()
    Node.objects.create(
        framework=framework,
        parent=sub,
        kind=Node.Kind.ITEM,
        code="B.1.i.z",
        label="z",
        title="Butir tanpa jenis jawaban",
        sequence=last.sequence + 1,
        depth=3,
        incomplete=True,
    )
    assessment = start(world, framework)
    login(client, world, "unit_admin")
    page = client.get(reverse("evaluation:assessment", args=[assessment.pk])).text
    gaps = page.split('id="belum-dijawab"')[1].split("</section>")[0]
    assert "B.1.i.a" in gaps and "B.1.i.z" not in gaps
    area = client.get(area_url(assessment, "B.1")).text
    card = area.split('data-item="B.1.i.z"')[1].split("</article>")[0]
    assert "Cara menjawab tidak ada di sumber" in card and "lke-form" not in card


def test_the_overview_offers_the_scored_lke_with_its_evidence_index(client, world, framework):
    assessment = start(world, framework)
    login(client, world, "province_reviewer")
    page = client.get(reverse("evaluation:assessment", args=[assessment.pk])).text
    download = reverse("reports:lke", args=[assessment.pk])
    assert f'href="{download}"' in page
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
