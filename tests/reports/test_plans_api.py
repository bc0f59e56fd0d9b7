"""The improvement-plan API: the plan of an assessment for everyone who may see it,
adopting and updating items for editors and administrators, confirmation by the next
submission, and query counts that do not grow with the items."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Answer, Assessment, FrameworkVersion
from assessments.services.assessments import answer_save, assessment_start, assessment_submit
from enterprises.models import User
from reports.models import PlanItem
from reports.services.plans import plan_item_adopt, plan_item_update, plan_items_confirm
from tests.assessments.helpers import best_answers, shipped_doc
from tests.conftest import Personas, api_as
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
    "assessor": 404,  # a self-assessed result never went to review
    "platform_admin": 200,
}
VIEW_DRAFT = {**VIEW_SUBMITTED, "officer": 404}
VIEW_PENDING = {**VIEW_SUBMITTED, "assessor": 200}

# Who may adopt: the enterprise's editors and administrators. Whoever may see the
# assessment but not change the plan gets 403; whoever may not see it, 404.
ADOPT_SUBMITTED = {
    "admin": 201,
    "editor": 201,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 403,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 403,
}
ADOPT_DRAFT = {**ADOPT_SUBMITTED, "officer": 404}

ITEM_VIEW = {
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
ITEM_EDIT = {**ITEM_VIEW, "viewer": 403, "officer": 403, "platform_admin": 403}


def plan_url(assessment: Assessment) -> str:
    return f"/api/v1/assessments/{assessment.pk}/plan/"


def items_url(assessment: Assessment) -> str:
    return f"/api/v1/assessments/{assessment.pk}/plan/items/"


def item_url(item: PlanItem) -> str:
    return f"/api/v1/plan-items/{item.pk}/"


def get_plan(user: User, assessment: Assessment, **params: str) -> dict[str, Any]:
    response = api_as(user).get(plan_url(assessment), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    return response.json()


def draft_with(personas: Personas, answers: dict[str, Any]) -> Assessment:
    draft = assessment_start(
        enterprise=personas.enterprise, framework_code="report-fw", user=personas.editor
    )
    for key, value in answers.items():
        answer_save(
            assessment=draft, user=personas.editor, question_key=key, value=value, base_revision=0
        )
    return draft


# Reading the plan --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [("submitted", VIEW_SUBMITTED), ("pending_review", VIEW_PENDING), ("draft", VIEW_DRAFT)],
)
def test_every_persona_gets_the_plan_it_may_see(
    personas: Personas, report_framework: FrameworkVersion, status: str, expected: dict
) -> None:
    if status == "draft":
        assessment = draft_with(personas, {})
    else:
        assessment = store_submitted(personas.enterprise, LEVEL1, status=status)
    got = {
        name: api_as(user).get(plan_url(assessment)).status_code
        for name, user in personas.all().items()
    }
    assert got == expected


def test_anonymous_callers_get_no_plan(personas: Personas, report_framework) -> None:
    assessment = store_submitted(personas.enterprise, LEVEL1)
    assert api_as(None).get(plan_url(assessment)).status_code in (401, 403)


def test_an_unknown_assessment_has_no_plan(personas: Personas, report_framework) -> None:
    assert api_as(personas.admin).get("/api/v1/assessments/999999/plan/").status_code == 404


def test_the_plan_has_the_contract_shape_highest_priority_first(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = store_submitted(personas.enterprise, LEVEL1)
    body = get_plan(personas.viewer, assessment)
    assert body["target_level"] == {"code": "L2", "name": "Level 2"}
    assert [item["question_key"] for item in body["items"]] == ["q_mes", "q_data", "q_train"]
    first = body["items"][0]
    assert {"question_key", "priority", "recommendation", "expected_gain", "phase"} <= set(first)
    assert [item["priority"] for item in body["items"]] == [1, 2, 3]
    assert first["recommendation"] == "Deploy an MES"
    assert first["expected_gain"] == 2.0
    assert first["phase"] == "now"
    assert first["blocks_gate"] is True
    assert first["gates"][0]["level"] == "L2"
    assert first["gates"][0]["description"] == "Total score at least 5 (now 3)"
    assert first["adopted"] is None
    assert body["items"][2]["blocks_gate"] is False
    assert body["level"] == {"code": "L1", "name": "Level 1"}
    assert body["projected_total"] == 8.0
    assert body["projected_level"] == {"code": "L2", "name": "Level 2"}
    assert [p["phase"] for p in body["projections"]] == ["now", "6m", "18m"]
    assert body["can_edit"] is False  # a viewer
    assert get_plan(personas.editor, assessment)["can_edit"] is True


def test_the_plan_speaks_chinese_by_default(personas: Personas, report_framework) -> None:
    assessment = store_submitted(personas.enterprise, LEVEL1)
    body = api_as(personas.admin).get(plan_url(assessment)).json()
    assert body["items"][0]["recommendation"] == "部署MES"
    assert body["target_level"]["name"] == "二级"


def test_a_draft_is_planned_from_its_saved_answers_and_a_submission_from_its_snapshot(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    draft = draft_with(
        personas, {"q_net": "full", "q_mes": True, "q_data": "none", "q_train": False}
    )
    body = get_plan(personas.editor, draft)
    assert body["status"] == "draft"
    assert body["total"] == 4.0
    assert [i["question_key"] for i in body["items"]] == ["q_data", "q_train"]
    submitted = assessment_submit(assessment=draft, user=personas.editor, pledge=True)
    # A later change to the stored answers cannot reach the snapshot the plan reads.
    Answer.objects.filter(assessment=submitted).update(value=None)
    assert get_plan(personas.editor, submitted)["total"] == 4.0


def test_best_answers_give_an_empty_plan(personas: Personas, report_framework) -> None:
    assessment = store_submitted(personas.enterprise, BEST)
    body = get_plan(personas.admin, assessment)
    assert body["items"] == []
    assert body["target_level"] is None


def test_a_required_level_raises_the_target(personas: Personas, report_framework) -> None:
    assessment = store_submitted(personas.enterprise, {"q_net": "none", "q_mes": False})
    assert get_plan(personas.admin, assessment)["target_level"]["code"] == "L1"
    raised = get_plan(personas.admin, assessment, required_level="L2")
    assert raised["target_level"]["code"] == "L2"
    assert raised["required_level"] == "L2"
    bad = api_as(personas.admin).get(plan_url(assessment), {"required_level": "L9"})
    assert bad.status_code == 400
    assert "required_level" in bad.json()["errors"]


# Adopting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"), [("submitted", ADOPT_SUBMITTED), ("draft", ADOPT_DRAFT)]
)
def test_only_editors_and_admins_adopt_items(
    personas: Personas, report_framework: FrameworkVersion, status: str, expected: dict
) -> None:
    if status == "draft":
        assessment = draft_with(personas, LEVEL1)
    else:
        assessment = store_submitted(personas.enterprise, LEVEL1)
    got = {}
    for name, user in personas.all().items():
        response = api_as(user).post(
            items_url(assessment), {"question_key": "q_mes"}, format="json"
        )
        got[name] = response.status_code
        PlanItem.objects.all().delete()
    assert got == expected


def test_adopting_records_the_plans_item_and_readopting_refreshes_it(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = store_submitted(personas.enterprise, LEVEL1)
    client = api_as(personas.editor)
    response = client.post(
        items_url(assessment),
        {"question_key": "q_data", "owner": "王工", "due_date": "2026-09-30"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "planned"
    assert (body["owner"], body["due_date"]) == ("王工", "2026-09-30")
    assert (body["target_score"], body["expected_gain"], body["phase"]) == (2.0, 1.0, "now")
    assert body["recommendation"] == "Collect more"
    assert body["adopted_from"] == assessment.pk
    item = PlanItem.objects.get(pk=body["id"])
    assert (item.enterprise_id, item.framework_id, item.question_key) == (
        personas.enterprise.pk,
        assessment.framework_id,
        "q_data",
    )
    again = client.post(items_url(assessment), {"question_key": "q_data"}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == item.pk
    assert again.json()["owner"] == "王工"  # kept when not given
    assert PlanItem.objects.count() == 1
    adopted = get_plan(personas.viewer, assessment)["items"][1]
    assert adopted["question_key"] == "q_data"
    assert adopted["adopted"]["id"] == item.pk


def test_a_question_outside_the_plan_cannot_be_adopted(
    personas: Personas, report_framework
) -> None:
    assessment = store_submitted(personas.enterprise, LEVEL1)
    client = api_as(personas.admin)
    for key in ("q_net", "q_scene", "nope"):  # at its best; unscored and not needed; unknown
        response = client.post(items_url(assessment), {"question_key": key}, format="json")
        assert response.status_code == 400
        assert "question_key" in response.json()["errors"]
    bad_status = client.post(
        items_url(assessment), {"question_key": "q_mes", "status": "finished"}, format="json"
    )
    assert bad_status.status_code == 400
    assert "status" in bad_status.json()["errors"]
    assert PlanItem.objects.count() == 0


# Updating ---------------------------------------------------------------------------


@pytest.fixture
def adopted(personas: Personas, report_framework: FrameworkVersion) -> PlanItem:
    assessment = store_submitted(personas.enterprise, LEVEL1)
    item, _created = plan_item_adopt(assessment=assessment, question_key="q_mes")
    return item


def test_every_persona_reads_the_plan_item_it_may_see(
    personas: Personas, adopted: PlanItem
) -> None:
    got = {
        name: api_as(user).get(item_url(adopted)).status_code
        for name, user in personas.all().items()
    }
    assert got == ITEM_VIEW


def test_only_editors_and_admins_update_a_plan_item(personas: Personas, adopted: PlanItem) -> None:
    got = {
        name: api_as(user).patch(item_url(adopted), {"owner": name}, format="json").status_code
        for name, user in personas.all().items()
    }
    assert got == ITEM_EDIT
    adopted.refresh_from_db()
    assert adopted.owner == "editor"  # the last allowed write


def test_an_update_sets_owner_due_date_and_status(personas: Personas, adopted: PlanItem) -> None:
    client = api_as(personas.admin)
    response = client.patch(
        item_url(adopted),
        {"owner": "李工", "due_date": "2026-12-31", "status": "in_progress"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"
    adopted.refresh_from_db()
    assert (adopted.owner, adopted.due_date, adopted.status) == (
        "李工",
        date(2026, 12, 31),
        "in_progress",
    )
    cleared = client.patch(item_url(adopted), {"due_date": None}, format="json")
    assert cleared.json()["due_date"] is None
    assert cleared.json()["owner"] == "李工"
    assert client.patch(item_url(adopted), {}, format="json").status_code == 400
    assert client.patch(item_url(adopted), {"status": "late"}, format="json").status_code == 400
    assert api_as(personas.admin).get("/api/v1/plan-items/999999/").status_code == 404


# Confirmation by the next submission -----------------------------------------------------


def test_a_done_item_is_confirmed_by_the_next_submission(
    personas: Personas, report_framework: FrameworkVersion, django_capture_on_commit_callbacks
) -> None:
    first = store_submitted(personas.enterprise, LEVEL1, submitted_at=timezone.now())
    client = api_as(personas.editor)
    mes = client.post(items_url(first), {"question_key": "q_mes"}, format="json").json()
    train = client.post(items_url(first), {"question_key": "q_train"}, format="json").json()
    data = client.post(items_url(first), {"question_key": "q_data"}, format="json").json()
    for item in (mes, train):
        done = client.patch(f"/api/v1/plan-items/{item['id']}/", {"status": "done"}, format="json")
        assert done.status_code == 200
    # q_mes done and now true; q_train done but still false; q_data met but not done.
    draft = draft_with(personas, {**LEVEL1, "q_mes": True, "q_data": "all"})
    with django_capture_on_commit_callbacks(execute=True):
        second = assessment_submit(assessment=draft, user=personas.editor, pledge=True)
    confirmed = {
        item.question_key: (item.confirmed_by_id, item.confirmed_at is not None)
        for item in PlanItem.objects.all()
    }
    assert confirmed == {
        "q_mes": (second.pk, True),
        "q_train": (None, False),
        "q_data": (None, False),
    }
    body = client.get(item_url(PlanItem.objects.get(pk=mes["id"]))).json()
    assert body["confirmed"] is True and body["confirmed_by"] == second.pk
    # The new plan no longer lists q_mes: the item shows among the adopted elsewhere.
    plan = get_plan(personas.viewer, second)
    assert "q_mes" not in [i["question_key"] for i in plan["items"]]
    assert [i["question_key"] for i in plan["adopted_elsewhere"]] == ["q_data", "q_mes"]
    assert data["status"] == "planned"


def test_confirmation_is_idempotent_and_ignores_drafts_and_earlier_submissions(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    earlier = store_submitted(
        personas.enterprise, BEST, submitted_at=timezone.now() - timedelta(days=30)
    )
    current = store_submitted(personas.enterprise, LEVEL1)
    item, _ = plan_item_adopt(assessment=current, question_key="q_mes")
    plan_item_update(item=item, status=PlanItem.Status.DONE)
    assert plan_items_confirm(assessment=earlier) == []  # submitted before the adoption
    draft = draft_with(personas, {"q_mes": True})
    assert plan_items_confirm(assessment=draft) == []
    later = store_submitted(personas.enterprise, {**LEVEL1, "q_mes": True})
    assert [i.pk for i in plan_items_confirm(assessment=later)] == [item.pk]
    assert plan_items_confirm(assessment=later) == []
    item.refresh_from_db()
    assert item.confirmed_by_id == later.pk
    # Taking an item back from done drops the confirmation.
    plan_item_update(item=item, status=PlanItem.Status.IN_PROGRESS)
    item.refresh_from_db()
    assert (item.confirmed_by_id, item.confirmed_at) == (None, None)


def test_a_confirmed_item_adopted_again_starts_a_new_round(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    first = store_submitted(personas.enterprise, LEVEL1)
    item, _ = plan_item_adopt(assessment=first, question_key="q_mes", owner="王工")
    plan_item_update(item=item, status=PlanItem.Status.DONE)
    later = store_submitted(personas.enterprise, {**LEVEL1, "q_mes": True})
    plan_items_confirm(assessment=later)
    regressed = store_submitted(personas.enterprise, LEVEL1)
    again, created = plan_item_adopt(assessment=regressed, question_key="q_mes")
    assert not created and again.pk == item.pk
    assert (again.status, again.confirmed_at, again.owner) == ("planned", None, "王工")


def test_a_zero_point_scene_target_is_confirmed_only_by_its_best_answer(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    start = store_submitted(personas.enterprise, {**LEVEL1, "q_data": "none"})
    # Level 2 can go through the scene (q_scene >= 3) when data is far; it carries no points.
    item, _ = plan_item_adopt(assessment=start, question_key="q_data")
    scene = PlanItem.objects.create(
        enterprise=personas.enterprise,
        framework=start.framework,
        question_key="q_scene",
        recommendation="",
        target_score=0,
        expected_gain=0,
        phase="now",
        status=PlanItem.Status.DONE,
    )
    plan_item_update(item=item, status=PlanItem.Status.DONE)
    at_three = store_submitted(personas.enterprise, {**LEVEL1, "q_scene": 3})
    assert [i.question_key for i in plan_items_confirm(assessment=at_three)] == []
    at_four = store_submitted(personas.enterprise, {**LEVEL1, "q_scene": 4, "q_data": "all"})
    assert {i.question_key for i in plan_items_confirm(assessment=at_four)} == {
        "q_data",
        scene.question_key,
    }


# Query counts -----------------------------------------------------------------------


def test_the_plan_keeps_its_query_count_whatever_the_number_of_items(
    personas: Personas,
) -> None:
    version = FrameworkVersion.objects.latest_published("smart-factory-gradient")
    assert version is not None
    best = best_answers(shipped_doc("smart-factory-gradient"))
    nearly = {**best, "bq_talent": False, "bq_cmmm_level": 3}
    few = store_submitted(personas.enterprise, nearly, version=version)
    many = store_submitted(
        personas.enterprise, {}, version=version, submitted_at=timezone.now() + timedelta(1)
    )
    client = api_as(personas.editor)

    def count(assessment: Assessment) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(plan_url(assessment))
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json()["items"])

    few_queries, few_items = count(few)
    many_queries, many_items = count(many)
    assert few_items < 5 < 50 < many_items
    assert many_queries == few_queries
    for key in [item["question_key"] for item in get_plan(personas.editor, many)["items"]][:12]:
        plan_item_adopt(assessment=many, question_key=key)
    assert count(many)[0] == few_queries


def test_confirmation_keeps_its_query_count_whatever_the_number_of_items(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    first = store_submitted(personas.enterprise, {"q_net": "none"})
    for key in ("q_net", "q_mes", "q_data", "q_train"):
        item, _ = plan_item_adopt(assessment=first, question_key=key)
        plan_item_update(item=item, status=PlanItem.Status.DONE)

    def count(answers: dict[str, Any]) -> int:
        later = store_submitted(personas.enterprise, answers)
        later = Assessment.objects.select_related("framework_version").get(pk=later.pk)
        with CaptureQueriesContext(connection) as ctx:
            plan_items_confirm(assessment=later)
        return len(ctx.captured_queries)

    one = count({**LEVEL1, "q_net": "full"})
    PlanItem.objects.update(confirmed_at=None, confirmed_by=None)
    assert count(BEST) == one
