"""The questionnaire page: who sees it, what it renders from saved answers, show_if on
first render, evidence without scripts, moving to the latest version, fixed queries."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.views import serve
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from assessments.models import Answer, Assessment, Evidence
from assessments.services import frameworks as fw_services
from assessments.services.assessments import (
    answer_save,
    assessment_review,
    assessment_start,
    assessment_submit,
)
from assessments.services.evidence import evidence_attach
from tests.assessments.helpers import MINIMAL_YAML
from tests.conftest import Personas

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ALL_TYPES_YAML = """\
format: 1
code: test-all
version: "1"
title: {zh-hans: 全题型框架, en: All question types}
levels:
  - code: L1
    name: {zh-hans: 一级, en: Level 1}
    confirmation: self
    gates: []
dimensions:
  - key: d_one
    name: {zh-hans: 维度一, en: Dimension one}
    areas:
      - key: a_one
        name: {zh-hans: 领域一, en: Area one}
        questions:
          - key: t_single
            type: single
            text: {zh-hans: 单选题目, en: A single question}
            help: {zh-hans: 单选帮助文字, en: Single help}
            evidence_hint: {zh-hans: 单选证明材料提示, en: Single evidence hint}
            options:
              - {value: low, label: {zh-hans: 低水平, en: Low}, score: 0,
                 recommendation: {zh-hans: 提高, en: Improve}}
              - {value: high, label: {zh-hans: 高水平, en: High}, score: 2}
          - key: t_multi
            type: multi
            text: {zh-hans: 多选题目, en: A multi question}
            options:
              - {value: alpha, label: {zh-hans: 甲项, en: Alpha}, score: 1,
                 recommendation: {zh-hans: 做甲, en: Do alpha}}
              - {value: beta, label: {zh-hans: 乙项, en: Beta}, score: 1,
                 recommendation: {zh-hans: 做乙, en: Do beta}}
              - {value: none, label: {zh-hans: 均无, en: None}, score: 0, exclusive: true}
      - key: a_two
        name: {zh-hans: 领域二, en: Area two}
        questions:
          - key: t_number
            type: number
            text: {zh-hans: 数字题目, en: A number question}
            min: 0
            max: 100
            unit: {zh-hans: 百分比单位, en: percent}
          - key: t_scene
            type: scene_level
            text: {zh-hans: 场景题目, en: A scene question}
            descriptors:
              1: {zh-hans: 场景一级描述, en: Scene level one}
              2: {zh-hans: 场景二级描述, en: Scene level two}
              3: {zh-hans: 场景三级描述, en: Scene level three}
              4: {zh-hans: 场景四级描述, en: Scene level four}
  - key: d_two
    name: {zh-hans: 维度二, en: Dimension two}
    questions:
      - key: t_bool
        type: boolean
        text: {zh-hans: 是非题目, en: A yes/no question}
        score_true: 2
        recommendation: {zh-hans: 去做, en: Do it}
      - key: t_text
        type: text
        show_if: {question: t_bool, equals: true}
        text: {zh-hans: 补充说明题目, en: Explain}
"""


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def question_block(html: str, key: str) -> str:
    match = re.search(rf'<fieldset[^>]* id="q-{key}"[^>]*>.*?</fieldset>', html, re.S)
    assert match, f"question {key} is not on the page"
    return match.group(0)


def page_data(html: str) -> dict:
    match = re.search(
        r'<script id="questionnaire-data" type="application/json">(.*?)</script>', html
    )
    assert match
    return json.loads(match.group(1))


@pytest.fixture
def all_types(personas: Personas) -> Assessment:
    fw_services.framework_import(source=ALL_TYPES_YAML, publish=True)
    return assessment_start(
        enterprise=personas.enterprise, framework_code="test-all", user=personas.editor
    )


def save(assessment: Assessment, user, key: str, value, base: int = 0) -> None:
    answer_save(assessment=assessment, user=user, question_key=key, value=value, base_revision=base)


# ---- permissions ---------------------------------------------------------------------------

DRAFT_PAGE = {
    "admin": 200,
    "editor": 200,
    "viewer": 200,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,  # drafts stay private to the enterprise
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 200,
}


@pytest.mark.parametrize(("persona", "expected"), DRAFT_PAGE.items())
def test_who_may_open_a_drafts_questionnaire(
    personas: Personas, draft, persona: str, expected: int
) -> None:
    response = signed_in(personas.all()[persona]).get(f"/assessments/{draft.pk}/")
    assert response.status_code == expected


def test_an_anonymous_visitor_is_sent_to_sign_in(draft) -> None:
    response = Client().get(f"/assessments/{draft.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_unknown_assessment_is_a_404(personas: Personas) -> None:
    assert signed_in(personas.admin).get("/assessments/999999/").status_code == 404


PENDING_PAGE = {
    "admin": 200,
    "editor": 200,
    "viewer": 200,
    "outsider": 404,
    "anchor": 404,
    "officer": 200,
    "other_officer": 404,
    "assessor": 200,
    "platform_admin": 200,
}


@pytest.fixture
def pending(personas: Personas, draft) -> Assessment:
    save(draft, personas.editor, "q_net", "full")
    save(draft, personas.editor, "q_mes", True)
    return assessment_submit(assessment=draft, user=personas.editor, pledge=True)


@pytest.mark.parametrize(("persona", "expected"), PENDING_PAGE.items())
def test_who_may_read_a_submitted_questionnaire(
    personas: Personas, pending, persona: str, expected: int
) -> None:
    response = signed_in(personas.all()[persona]).get(f"/assessments/{pending.pk}/")
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert "questionnaire.js" not in html  # read-only: nothing to save
        assert f'href="/assessments/{pending.pk}/result/"' in html


def test_editors_get_live_inputs_and_the_script(personas: Personas, draft) -> None:
    html = signed_in(personas.editor).get(f"/assessments/{draft.pk}/").content.decode()
    assert 'data-editable="true"' in html
    assert '<script src="/static/js/questionnaire.js" defer></script>' in html
    assert " disabled" not in question_block(html, "q_net")
    assert f'href="/assessments/{draft.pk}/submit/"' in html
    assert 'class="evidence-upload"' in html


@pytest.mark.parametrize("persona", ["viewer", "platform_admin"])
def test_readers_of_a_draft_get_disabled_inputs_and_no_script(
    personas: Personas, draft, persona: str
) -> None:
    save(draft, personas.editor, "q_net", "full")
    html = signed_in(personas.all()[persona]).get(f"/assessments/{draft.pk}/").content.decode()
    assert 'data-editable="false"' in html
    assert "questionnaire.js" not in html
    block = question_block(html, "q_net")
    assert 'value="full" checked disabled' in block
    assert "evidence-upload" not in html
    assert f"/assessments/{draft.pk}/submit/" not in html


# ---- rendering -------------------------------------------------------------------------------


def test_every_question_type_gets_its_input(personas: Personas, all_types) -> None:
    html = signed_in(personas.editor).get(f"/assessments/{all_types.pk}/").content.decode()
    single = question_block(html, "t_single")
    assert single.count('type="radio"') == 2
    assert "单选帮助文字" in single and "单选证明材料提示" in single
    assert '<span class="req"' in single  # required marker
    multi = question_block(html, "t_multi")
    assert multi.count('type="checkbox"') == 3
    assert 'value="none" data-exclusive="true"' in multi
    number = question_block(html, "t_number")
    assert 'type="number"' in number and 'min="0"' in number and 'max="100"' in number
    assert "百分比单位" in number
    scene = question_block(html, "t_scene")
    assert scene.count('type="radio"') == 5
    for text in ("场景一级描述", "场景二级描述", "场景三级描述", "场景四级描述"):
        assert text in scene
    boolean = question_block(html, "t_bool")
    assert 'value="true"' in boolean and 'value="false"' in boolean
    assert "<textarea" in question_block(html, "t_text")
    # Table of contents: dimensions and areas as anchors.
    for anchor in ("dim-d_one", "area-a_one", "area-a_two", "dim-d_two"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    assert '<progress id="q-progress"' in html


def test_the_page_shows_every_saved_answer_after_a_reload(personas: Personas, all_types) -> None:
    save(all_types, personas.editor, "t_single", "high")
    save(all_types, personas.editor, "t_multi", ["alpha", "beta"])
    save(all_types, personas.editor, "t_number", 42.5)
    save(all_types, personas.editor, "t_scene", 3)
    save(all_types, personas.editor, "t_bool", True)
    save(all_types, personas.admin, "t_text", "我们的 <说明>")
    save(all_types, personas.admin, "t_text", "第二版说明", base=1)
    html = signed_in(personas.editor).get(f"/assessments/{all_types.pk}/").content.decode()
    assert 'value="high" checked' in question_block(html, "t_single")
    multi = question_block(html, "t_multi")
    assert 'value="alpha" checked' in multi and 'value="beta" checked' in multi
    assert 'value="none" data-exclusive="true" checked' not in multi
    assert 'value="42.5"' in question_block(html, "t_number")
    assert 'value="3" checked' in question_block(html, "t_scene")
    assert 'value="true" checked' in question_block(html, "t_bool")
    assert ">第二版说明</textarea>" in question_block(html, "t_text")
    revisions = {q["key"]: q["revision"] for q in page_data(html)["questions"]}
    assert revisions == {
        "t_single": 1,
        "t_multi": 1,
        "t_number": 1,
        "t_scene": 1,
        "t_bool": 1,
        "t_text": 2,
    }
    # 5 of the 5 required questions (t_text is required too once shown: 6 of 6).
    assert 'value="100"' in html.split('<progress id="q-progress"')[1][:80]


def test_a_hidden_show_if_question_is_not_shown_on_first_render(
    personas: Personas, all_types
) -> None:
    client = signed_in(personas.editor)
    html = client.get(f"/assessments/{all_types.pk}/").content.decode()
    assert question_block(html, "t_text").split(">")[0].endswith(" hidden")
    assert " hidden" not in question_block(html, "t_bool").split(">")[0]
    rule = next(q for q in page_data(html)["questions"] if q["key"] == "t_text")["showIf"]
    assert rule == {"question": "t_bool", "equals": True}

    save(all_types, personas.editor, "t_bool", False)
    html = client.get(f"/assessments/{all_types.pk}/").content.decode()
    assert question_block(html, "t_text").split(">")[0].endswith(" hidden")

    save(all_types, personas.editor, "t_bool", True, base=1)
    html = client.get(f"/assessments/{all_types.pk}/").content.decode()
    assert " hidden" not in question_block(html, "t_text").split(">")[0]


def test_a_submitted_questionnaire_leaves_out_hidden_questions(
    personas: Personas, all_types
) -> None:
    for key, value in [
        ("t_single", "high"),
        ("t_multi", ["none"]),
        ("t_number", 10),
        ("t_scene", 1),
        ("t_bool", False),
    ]:
        save(all_types, personas.editor, key, value)
    assessment_submit(assessment=all_types, user=personas.editor, pledge=True)
    html = signed_in(personas.viewer).get(f"/assessments/{all_types.pk}/").content.decode()
    assert 'id="q-t_text"' not in html
    assert 'value="none" data-exclusive="true" checked disabled' in question_block(html, "t_multi")
    assert "status-submitted" in html
    assert "一级" in html  # the level reached, by name


def test_a_draft_returned_by_review_shows_the_reviewers_comment(
    personas: Personas, pending
) -> None:
    assessment_review(
        assessment=pending, reviewer=personas.officer, decision="return", comment="请补充MES证明"
    )
    new = Assessment.objects.get(returned_from=pending)
    html = signed_in(personas.editor).get(f"/assessments/{new.pk}/").content.decode()
    assert "请补充MES证明" in html
    assert 'value="full" checked' in question_block(html, "q_net")


# ---- assets ---------------------------------------------------------------------------------


def test_the_page_references_no_external_url_and_no_inline_script(
    personas: Personas, all_types
) -> None:
    html = signed_in(personas.editor).get(f"/assessments/{all_types.pk}/").content.decode()
    assert "http://" not in html
    assert "https://" not in html
    assert "//cdn" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attributes, body in scripts:
        if 'type="application/json"' in attributes:
            continue
        assert re.search(r'src="/static/[^"]+"', attributes), attributes
        assert body.strip() == ""
    for src in re.findall(r'(?:src|href)="([^"#]+)"', html):
        assert src.startswith("/"), src


def test_the_script_is_served_from_static() -> None:
    assert finders.find("js/questionnaire.js")
    request = RequestFactory().get("/static/js/questionnaire.js")
    response = serve(request, "js/questionnaire.js", insecure=True)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "base_revision" in body
    assert "http://" not in body and "https://" not in body


# ---- evidence without scripts ---------------------------------------------------------------

UPLOAD = {
    "admin": 302,
    "editor": 302,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 403,  # reads the draft, changes nothing
}


@pytest.mark.parametrize(("persona", "expected"), UPLOAD.items())
def test_who_may_attach_evidence_from_the_page(
    personas: Personas, draft, persona: str, expected: int
) -> None:
    response = signed_in(personas.all()[persona]).post(
        f"/assessments/{draft.pk}/evidence/",
        {"question_key": "q_mes", "file": SimpleUploadedFile("mes.pdf", PDF)},
    )
    assert response.status_code == expected
    assert Evidence.objects.filter(assessment=draft).exists() is (expected == 302)
    if expected == 302:
        assert response["Location"] == f"/assessments/{draft.pk}/#q-q_mes"
        html = signed_in(personas.viewer).get(f"/assessments/{draft.pk}/").content.decode()
        evidence = Evidence.objects.get(assessment=draft)
        assert f'href="/api/v1/evidence/{evidence.pk}/download/"' in question_block(html, "q_mes")


def test_a_refused_file_says_why_and_stores_nothing(personas: Personas, draft) -> None:
    client = signed_in(personas.editor)
    response = client.post(
        f"/assessments/{draft.pk}/evidence/",
        {"question_key": "q_mes", "file": SimpleUploadedFile("x.exe", b"MZ\x90\x00not a pdf")},
        follow=True,
    )
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not Evidence.objects.filter(assessment=draft).exists()


@pytest.mark.parametrize(("persona", "expected"), UPLOAD.items())
def test_who_may_delete_evidence_from_the_page(
    personas: Personas, draft, persona: str, expected: int
) -> None:
    evidence = evidence_attach(
        assessment=draft,
        user=personas.editor,
        question_key="q_mes",
        upload=SimpleUploadedFile("mes.pdf", PDF),
    )
    response = signed_in(personas.all()[persona]).post(
        f"/assessments/{draft.pk}/evidence/{evidence.pk}/delete/"
    )
    assert response.status_code == expected
    assert Evidence.objects.filter(pk=evidence.pk).exists() is (expected != 302)


def test_evidence_of_another_assessment_cannot_be_deleted_through_this_one(
    personas: Personas, draft
) -> None:
    other = assessment_start(
        enterprise=personas.outsider_enterprise, framework_code="test-fw", user=personas.outsider
    )
    evidence = evidence_attach(
        assessment=other,
        user=personas.outsider,
        question_key="q_mes",
        upload=SimpleUploadedFile("mes.pdf", PDF),
    )
    response = signed_in(personas.admin).post(
        f"/assessments/{draft.pk}/evidence/{evidence.pk}/delete/"
    )
    assert response.status_code == 404
    assert Evidence.objects.filter(pk=evidence.pk).exists()


# ---- moving to the latest version ------------------------------------------------------------

VERSION_2 = (
    MINIMAL_YAML.replace('version: "1"', 'version: "2"')
    .replace("key: q_mes", "key: q_erp")
    .replace("是否部署MES", "是否部署ERP")
)

MOVE = {
    "admin": 302,
    "editor": 302,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 403,
}


@pytest.mark.parametrize(("persona", "expected"), MOVE.items())
def test_who_may_move_a_draft_to_the_latest_version(
    personas: Personas, draft, persona: str, expected: int
) -> None:
    fw_services.framework_import(source=VERSION_2, publish=True)
    response = signed_in(personas.all()[persona]).post(f"/assessments/{draft.pk}/move-to-latest/")
    assert response.status_code == expected
    draft.refresh_from_db()
    assert draft.framework_version.version == ("2" if expected == 302 else "1")


def test_moving_lists_the_answers_carried_and_dropped(personas: Personas, draft) -> None:
    save(draft, personas.editor, "q_net", "full")
    save(draft, personas.editor, "q_mes", True)
    client = signed_in(personas.editor)
    assert "move-to-latest" not in client.get(f"/assessments/{draft.pk}/").content.decode()

    fw_services.framework_import(source=VERSION_2, publish=True)
    html = client.get(f"/assessments/{draft.pk}/").content.decode()
    assert f'action="/assessments/{draft.pk}/move-to-latest/"' in html

    response = client.post(f"/assessments/{draft.pk}/move-to-latest/")
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    report = html.split('id="move-report"')[1].split("</section>")[0]
    carried, dropped = report.split("<h3>")[1], report.split("<h3>")[2]
    assert 'href="#q-q_net"' in carried and "网络" in carried
    assert "是否部署MES" in dropped and "q_mes" in dropped
    assert 'id="q-q_erp"' in html
    assert set(Answer.objects.filter(assessment=draft).values_list("question_key", flat=True)) == {
        "q_net"
    }
    # The report is shown once.
    assert 'id="move-report"' not in client.get(f"/assessments/{draft.pk}/").content.decode()


def test_moving_when_already_on_the_latest_version_says_so(personas: Personas, draft) -> None:
    client = signed_in(personas.editor)
    response = client.post(f"/assessments/{draft.pk}/move-to-latest/", follow=True)
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.framework_version.version == "1"


# ---- queries ---------------------------------------------------------------------------------


def test_the_questionnaire_page_does_a_fixed_number_of_queries(personas: Personas) -> None:
    big = assessment_start(
        enterprise=personas.enterprise,
        framework_code="smart-factory-gradient",
        user=personas.editor,
    )
    client = signed_in(personas.editor)

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/assessments/{big.pk}/")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    before, html = count()
    keys = [q["key"] for q in page_data(html)["questions"]]
    assert len(keys) == 85
    scenes = [q["key"] for q in page_data(html)["questions"] if q["type"] == "scene_level"]
    for key in scenes[:30]:
        save(big, personas.editor, key, 2)
    for key in scenes[:3]:
        evidence_attach(
            assessment=big,
            user=personas.editor,
            question_key=key,
            upload=SimpleUploadedFile(f"{key}.pdf", PDF),
        )
    after, html = count()
    assert after == before
    assert html.count(" checked") >= 30


def test_the_questionnaire_does_not_read_the_framework_document_again(personas: Personas) -> None:
    """The version's document (hundreds of KB) is presented once per process and
    language; a request neither fetches it nor changes what is kept."""
    big = assessment_start(
        enterprise=personas.enterprise,
        framework_code="smart-factory-gradient",
        user=personas.editor,
    )
    save(big, personas.editor, "bq_talent", True)
    client = signed_in(personas.editor)
    first = client.get(f"/assessments/{big.pk}/").content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(f"/assessments/{big.pk}/").content.decode()
    assert not [q for q in ctx.captured_queries if '."definition"' in q["sql"]]

    def without_csrf_tokens(html: str) -> str:
        return re.sub(r'"[A-Za-z0-9]{64}"', '""', html)

    assert without_csrf_tokens(again) == without_csrf_tokens(first)
    other = assessment_start(
        enterprise=personas.outsider_enterprise,
        framework_code="smart-factory-gradient",
        user=personas.outsider,
    )
    html = signed_in(personas.outsider).get(f"/assessments/{other.pk}/").content.decode()
    assert 'value="true" checked' not in question_block(html, "bq_talent")
