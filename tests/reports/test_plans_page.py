"""The improvement-plan page: who may see it, what it shows, the editors' forms to
adopt and update items, the empty state and a query count that does not grow."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, FrameworkVersion
from assessments.services.assessments import answer_save, assessment_start
from enterprises.models import User
from reports.models import PlanItem
from reports.services.plans import plan_item_adopt
from tests.assessments.helpers import best_answers, shipped_doc
from tests.conftest import Personas
from tests.reports.conftest import BEST, LEVEL1, store_submitted

pytestmark = pytest.mark.django_db

VIEW_SUBMITTED = {
    "admin": 200,
    "editor": 200,
    "viewer": 200,
    "outsider": 404,
    "anchor": 404,
    "officer": 200,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 200,
}
VIEW_DRAFT = {**VIEW_SUBMITTED, "officer": 404}
POST_SUBMITTED = {
    "admin": 302,
    "editor": 302,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 403,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 403,
}


def client_for(user: User | None, *, lang: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    if user is not None:
        client.force_login(user)
    return client


def url(assessment: Assessment) -> str:
    return reverse("assessment-plan", args=[assessment.pk])


def page(user: User, assessment: Assessment, *, lang: str = "en") -> str:
    response = client_for(user, lang=lang).get(url(assessment))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, element_id: str) -> str:
    match = re.search(r'<section[^>]*id="' + element_id + r'".*?</section>', html, re.S)
    assert match, f"no section {element_id}"
    return match.group(0)


def test_the_page_has_its_url_name() -> None:
    assert reverse("assessment-plan", args=[7]) == "/assessments/7/plan/"


@pytest.mark.parametrize(
    ("status", "expected"), [("submitted", VIEW_SUBMITTED), ("draft", VIEW_DRAFT)]
)
def test_every_persona_gets_the_page_it_may_see(
    personas: Personas, report_framework: FrameworkVersion, status: str, expected: dict
) -> None:
    if status == "draft":
        assessment = assessment_start(
            enterprise=personas.enterprise, framework_code="report-fw", user=personas.editor
        )
    else:
        assessment = store_submitted(personas.enterprise, LEVEL1)
    got = {
        name: client_for(user).get(url(assessment)).status_code
        for name, user in personas.all().items()
    }
    assert got == expected


def test_an_anonymous_visitor_is_sent_to_sign_in(personas: Personas, report_framework) -> None:
    assessment = store_submitted(personas.enterprise, LEVEL1)
    response = client_for(None).get(url(assessment))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_page_shows_target_projection_and_items_by_phase(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = store_submitted(personas.enterprise, LEVEL1)
    html = page(personas.viewer, assessment)
    assert "Improvement plan" in html
    assert "Level 2" in html  # the target level
    projection = re.search(r'id="projection".*?</div>', html, re.S)
    assert projection and "<strong>8</strong>" in projection.group(0)
    now = section(html, "phase-now")
    assert now.index("item-q_mes") < now.index("item-q_data") < now.index("item-q_train")
    assert "Deploy an MES" in now and "Collect more" in now
    assert "Needed for Level 2" in now
    assert "+2" in now
    assert "No items in this phase." in section(html, "phase-6m")
    assert "<script" not in html
    assert "plan-item-form" not in html  # a viewer reads only


def test_the_page_is_chinese_by_default(personas: Personas, report_framework) -> None:
    assessment = store_submitted(personas.enterprise, LEVEL1)
    html = page(personas.admin, assessment, lang="zh-hans")
    assert "部署MES" in html and "二级" in html


def test_a_draft_is_marked_as_a_preview(personas: Personas, report_framework) -> None:
    draft = assessment_start(
        enterprise=personas.enterprise, framework_code="report-fw", user=personas.editor
    )
    answer_save(
        assessment=draft, user=personas.editor, question_key="q_mes", value=True, base_revision=0
    )
    html = page(personas.editor, draft)
    assert "preview-banner" in html
    assert "item-q_net" in html and "item-q_mes" not in html


def test_nothing_to_improve_shows_an_empty_state(personas: Personas, report_framework) -> None:
    html = page(personas.admin, store_submitted(personas.enterprise, BEST))
    assert 'id="plan-empty"' in html
    assert "Nothing to improve" in html
    assert "plan-item-form" not in html


def test_editors_adopt_an_item_with_owner_due_date_and_status(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = store_submitted(personas.enterprise, LEVEL1)
    client = client_for(personas.editor)
    html = client.get(url(assessment)).content.decode()
    assert html.count('class="plan-item-form"') == 3
    response = client.post(
        url(assessment),
        {
            "question_key": "q_mes",
            "owner": "王工",
            "due_date": "2026-10-01",
            "status": "in_progress",
        },
    )
    assert response.status_code == 302 and response["Location"] == url(assessment)
    item = PlanItem.objects.get(question_key="q_mes")
    assert (item.owner, item.due_date, item.status) == ("王工", date(2026, 10, 1), "in_progress")
    assert item.adopted_from_id == assessment.pk
    html = client.get(url(assessment)).content.decode()
    row = re.search(r'<tr id="item-q_mes".*?</tr>', html, re.S)
    assert row and "In progress" in row.group(0) and "王工" in row.group(0)
    assert "The item was added" in html
    response = client.post(
        url(assessment),
        {
            "question_key": "q_mes",
            "item": item.pk,
            "owner": "王工",
            "due_date": "",
            "status": "done",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.due_date) == ("done", None)


@pytest.mark.parametrize("persona", list(POST_SUBMITTED))
def test_only_editors_and_admins_may_post(
    personas: Personas, report_framework: FrameworkVersion, persona: str
) -> None:
    assessment = store_submitted(personas.enterprise, LEVEL1)
    user = personas.all()[persona]
    response = client_for(user).post(
        url(assessment), {"question_key": "q_mes", "status": "planned"}
    )
    assert response.status_code == POST_SUBMITTED[persona]
    assert PlanItem.objects.exists() is (POST_SUBMITTED[persona] == 302)


def test_an_invalid_form_is_shown_again_with_its_error(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = store_submitted(personas.enterprise, LEVEL1)
    response = client_for(personas.admin).post(
        url(assessment), {"question_key": "q_mes", "due_date": "soon", "status": "planned"}
    )
    assert response.status_code == 400
    row = re.search(r'<tr id="item-q_mes".*?</tr>', response.content.decode(), re.S)
    assert row and "errorlist" in row.group(0)
    assert not PlanItem.objects.exists()


def test_an_item_of_another_enterprise_cannot_be_updated_through_this_page(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    mine = store_submitted(personas.enterprise, LEVEL1)
    theirs = store_submitted(personas.outsider_enterprise, LEVEL1)
    foreign, _ = plan_item_adopt(assessment=theirs, question_key="q_mes")
    response = client_for(personas.outsider).post(url(mine), {"item": foreign.pk, "status": "done"})
    assert response.status_code == 404
    response = client_for(personas.admin).post(url(mine), {"item": foreign.pk, "status": "done"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "planned"


def test_adopted_items_the_plan_no_longer_lists_stay_visible_and_editable(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    first = store_submitted(personas.enterprise, LEVEL1, submitted_at=timezone.now() - timedelta(1))
    item, _ = plan_item_adopt(assessment=first, question_key="q_mes", owner="王工")
    later = store_submitted(personas.enterprise, {**LEVEL1, "q_mes": True})
    html = page(personas.editor, later)
    adopted = section(html, "adopted-elsewhere")
    assert "MES deployed" in adopted and "王工" in adopted
    response = client_for(personas.editor).post(
        url(later), {"item": item.pk, "owner": "王工", "status": "done"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done"


def test_the_page_keeps_its_query_count_whatever_the_number_of_items(
    personas: Personas,
) -> None:
    version = FrameworkVersion.objects.latest_published("smart-factory-gradient")
    assert version is not None
    best = best_answers(shipped_doc("smart-factory-gradient"))
    few = store_submitted(personas.enterprise, {**best, "bq_talent": False}, version=version)
    many = store_submitted(personas.enterprise, {}, version=version)
    for key in ("bq_talent", "bq_organisation", "dc_coverage", "is_systems", "nw_types"):
        plan_item_adopt(assessment=many, question_key=key)
    client = client_for(personas.editor)

    def count(assessment: Assessment) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(assessment)).status_code == 200
        return len(ctx.captured_queries)

    assert count(many) == count(few)


def test_the_page_names_its_framework_without_reading_the_framework_document(
    personas: Personas,
) -> None:
    version = FrameworkVersion.objects.latest_published("smart-factory-gradient")
    assert version is not None
    assessment = store_submitted(personas.enterprise, {}, version=version)
    client = client_for(personas.editor)
    assert client.get(url(assessment)).status_code == 200  # warm the compiled-framework cache
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url(assessment)).content.decode()
    assert "Smart-factory gradient self-assessment" in html
    assert not [q for q in ctx.captured_queries if '."definition"' in q["sql"]]
