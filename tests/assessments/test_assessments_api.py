"""Assessments through the API: start, answer with revisions, submit, review, history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Answer, AnswerRevision, Assessment, ReviewDecision
from tests.conftest import Personas, api_as

pytestmark = pytest.mark.django_db


def put(client, assessment_id: int, key: str, value, base: int):
    return client.put(
        f"/api/v1/assessments/{assessment_id}/answers/{key}/",
        {"value": value, "base_revision": base},
        format="json",
    )


START = {
    "admin": 201,
    "editor": 201,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 404,
}


@pytest.mark.parametrize(("persona", "expected"), START.items())
def test_who_may_start_an_assessment(
    personas: Personas, test_framework, persona: str, expected: int
) -> None:
    response = api_as(personas.all()[persona]).post(
        "/api/v1/assessments/",
        {"enterprise": personas.enterprise.pk, "framework": "test-fw"},
        format="json",
    )
    assert response.status_code == expected
    if expected == 201:
        body = response.json()
        assert body["status"] == "draft"
        assert body["framework"] == "test-fw"
        assert body["framework_version"] == "1"
        assert body["enterprise"] == personas.enterprise.pk


def test_a_second_open_draft_is_a_conflict_naming_the_first(personas: Personas, draft) -> None:
    response = api_as(personas.admin).post(
        "/api/v1/assessments/",
        {"enterprise": personas.enterprise.pk, "framework": "test-fw"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["id"] == draft.pk


def test_starting_on_an_unknown_framework_is_a_400(personas: Personas) -> None:
    response = api_as(personas.admin).post(
        "/api/v1/assessments/", {"enterprise": personas.enterprise.pk, "framework": "nope"}
    )
    assert response.status_code == 400
    assert "framework" in response.json()["errors"]


READ = {
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


@pytest.mark.parametrize(("persona", "expected"), READ.items())
def test_who_may_read_a_draft(personas: Personas, draft, persona: str, expected: int) -> None:
    response = api_as(personas.all()[persona]).get(f"/api/v1/assessments/{draft.pk}/")
    assert response.status_code == expected


WRITE = {
    "admin": 200,
    "editor": 200,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 403,  # reads the draft, changes nothing
}


@pytest.mark.parametrize(("persona", "expected"), WRITE.items())
def test_who_may_write_an_answer(personas: Personas, draft, persona: str, expected: int) -> None:
    response = put(api_as(personas.all()[persona]), draft.pk, "q_net", "full", 0)
    assert response.status_code == expected


def test_platform_staff_read_a_draft_but_are_refused_a_write_with_403(
    personas: Personas, draft
) -> None:
    """Staff see every assessment, so refusing them a change is "a role too low" (403,
    as for officers and assessors), not a 404 that would deny what they just read."""
    staff = api_as(personas.platform_admin)
    assert staff.get(f"/api/v1/assessments/{draft.pk}/").status_code == 200
    refused = put(staff, draft.pk, "q_net", "full", 0)
    assert refused.status_code == 403
    assert refused.json()["detail"]
    submit = staff.post(f"/api/v1/assessments/{draft.pk}/submit/", {"pledge": True}, format="json")
    assert submit.status_code == 403
    assert not Answer.objects.filter(assessment=draft).exists()
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT


def test_answers_carry_revisions_and_every_write_is_kept(personas: Personas, draft) -> None:
    client = api_as(personas.editor)
    assert put(client, draft.pk, "q_net", "none", 0).json()["revision"] == 1
    assert put(client, draft.pk, "q_net", "full", 1).json()["revision"] == 2
    body = client.get(f"/api/v1/assessments/{draft.pk}/").json()
    assert body["answers"] == {"q_net": {"value": "full", "revision": 2}}
    assert body["progress"]["required_answered"] == 1
    assert body["progress"]["required"] == 2
    history = client.get(f"/api/v1/assessments/{draft.pk}/answers/q_net/revisions/").json()
    assert [(h["revision"], h["old_value"], h["new_value"], h["user"]) for h in history] == [
        (1, None, "none", "ent-editor"),
        (2, "none", "full", "ent-editor"),
    ]


def test_a_stale_write_gets_409_with_the_current_value_and_changes_nothing(
    personas: Personas, draft
) -> None:
    put(api_as(personas.editor), draft.pk, "q_net", "full", 0)
    stale = put(api_as(personas.admin), draft.pk, "q_net", "none", 0)
    assert stale.status_code == 409
    assert stale.json()["current"] == {"value": "full", "revision": 1}
    assert Answer.objects.get(assessment=draft, question_key="q_net").value == "full"
    assert AnswerRevision.objects.filter(assessment=draft).count() == 1


def test_an_invalid_value_is_a_400_and_an_unknown_question_a_404(personas: Personas, draft) -> None:
    client = api_as(personas.editor)
    bad = put(client, draft.pk, "q_net", "not-an-option", 0)
    assert bad.status_code == 400
    assert bad.json()["errors"]["value"]
    assert put(client, draft.pk, "q_mes", "yes", 0).status_code == 400
    assert put(client, draft.pk, "no_such_key", 1, 0).status_code == 404
    assert not Answer.objects.filter(assessment=draft).exists()


def test_submit_lists_every_missing_answer_and_the_pledge(personas: Personas, draft) -> None:
    client = api_as(personas.editor)
    response = client.post(f"/api/v1/assessments/{draft.pk}/submit/", {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert {"pledge", "answers.q_net", "answers.q_mes"} <= set(body["errors"])
    assert sorted(body["missing"]) == ["q_mes", "q_net"]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_self_assessed_level_is_final_at_submission(personas: Personas, draft) -> None:
    client = api_as(personas.editor)
    put(client, draft.pk, "q_net", "full", 0)
    put(client, draft.pk, "q_mes", False, 0)
    response = client.post(
        f"/api/v1/assessments/{draft.pk}/submit/", {"pledge": True}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["result"]["total"] == 2
    assert body["result"]["level"]["code"] == "L1"
    assert body["result"]["next_level"]["code"] == "L2"
    draft.refresh_from_db()
    assert draft.answers_snapshot == {"q_net": "full", "q_mes": False}
    assert draft.confirmed_level_code == "L1"


def test_nothing_changes_after_submission(personas: Personas, draft) -> None:
    client = api_as(personas.editor)
    put(client, draft.pk, "q_net", "full", 0)
    put(client, draft.pk, "q_mes", False, 0)
    client.post(f"/api/v1/assessments/{draft.pk}/submit/", {"pledge": True}, format="json")
    assert put(client, draft.pk, "q_net", "none", 1).status_code == 409
    assert put(client, draft.pk, "q_mes", True, 1).status_code == 409
    again = client.post(f"/api/v1/assessments/{draft.pk}/submit/", {"pledge": True}, format="json")
    assert again.status_code == 409
    draft.refresh_from_db()
    assert draft.answers_snapshot == {"q_net": "full", "q_mes": False}


def submit_best(personas: Personas, draft) -> None:
    client = api_as(personas.editor)
    put(client, draft.pk, "q_net", "full", 0)
    put(client, draft.pk, "q_mes", True, 0)
    response = client.post(
        f"/api/v1/assessments/{draft.pk}/submit/", {"pledge": True}, format="json"
    )
    assert response.json()["status"] == "pending_review"


REVIEW = {
    "admin": 403,
    "editor": 403,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 200,
    "other_officer": 404,
    "assessor": 200,
    "platform_admin": 403,  # reads the assessment, does not review
}


@pytest.mark.parametrize(("persona", "expected"), REVIEW.items())
def test_who_may_review(personas: Personas, draft, persona: str, expected: int) -> None:
    submit_best(personas, draft)
    response = api_as(personas.all()[persona]).post(
        f"/api/v1/assessments/{draft.pk}/review/", {"decision": "confirm"}, format="json"
    )
    assert response.status_code == expected
    draft.refresh_from_db()
    assert draft.status == ("confirmed" if expected == 200 else "pending_review")


def test_a_reviewer_confirms_a_lower_level_only_with_a_reason(personas: Personas, draft) -> None:
    submit_best(personas, draft)
    client = api_as(personas.assessor)
    url = f"/api/v1/assessments/{draft.pk}/review/"
    no_reason = client.post(url, {"decision": "confirm", "confirmed_level": "L1"}, format="json")
    assert no_reason.status_code == 400
    assert "comment" in no_reason.json()["errors"]
    ok = client.post(
        url,
        {"decision": "confirm", "confirmed_level": "L1", "comment": "MES 仅覆盖一条产线"},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()["confirmed_level"] == "L1"
    history = api_as(personas.viewer).get(f"/api/v1/assessments/{draft.pk}/history/").json()
    assert [h["decision"] for h in history] == ["submitted", "confirm_lower"]
    assert history[1]["comment"] == "MES 仅覆盖一条产线"


def test_a_returned_assessment_gives_the_enterprise_a_new_draft_with_the_same_answers(
    personas: Personas, draft
) -> None:
    submit_best(personas, draft)
    response = api_as(personas.officer).post(
        f"/api/v1/assessments/{draft.pk}/review/",
        {"decision": "return", "comment": "请补充MES部署证明"},
        format="json",
    )
    assert response.status_code == 200
    new_id = response.json()["new_draft"]
    new = api_as(personas.editor).get(f"/api/v1/assessments/{new_id}/").json()
    assert new["status"] == "draft"
    assert {k: v["value"] for k, v in new["answers"].items()} == {"q_net": "full", "q_mes": True}
    assert ReviewDecision.objects.filter(assessment=draft, decision="return").exists()
    assert Assessment.objects.get(pk=draft.pk).status == "returned"


def test_a_confirmed_assessment_cannot_be_reviewed_again(personas: Personas, draft) -> None:
    submit_best(personas, draft)
    client = api_as(personas.assessor)
    url = f"/api/v1/assessments/{draft.pk}/review/"
    assert client.post(url, {"decision": "confirm"}, format="json").status_code == 200
    assert (
        client.post(url, {"decision": "return", "comment": "x"}, format="json").status_code == 409
    )


def test_a_draft_result_is_a_marked_preview(personas: Personas, draft) -> None:
    put(api_as(personas.editor), draft.pk, "q_net", "full", 0)
    body = api_as(personas.viewer).get(f"/api/v1/assessments/{draft.pk}/result/").json()
    assert body["preview"] is True
    assert body["total"] == 2


def test_the_assessment_page_data_and_the_answer_write_do_a_fixed_number_of_queries(
    personas: Personas,
) -> None:
    from assessments.services.assessments import assessment_start

    big = assessment_start(
        enterprise=personas.enterprise,
        framework_code="smart-factory-gradient",
        user=personas.editor,
    )
    client = api_as(personas.editor)
    framework = client.get("/api/v1/frameworks/smart-factory-gradient/").json()
    keys = [
        q["key"]
        for d in framework["dimensions"]
        for a in d.get("areas", [d])
        for q in a.get("questions", [])
        if q["type"] == "scene_level"
    ]

    def count_get() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/api/v1/assessments/{big.pk}/").status_code == 200
        return len(ctx.captured_queries)

    def count_put(key: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert put(client, big.pk, key, 2, 0).status_code == 200
        return len(ctx.captured_queries)

    count_get()  # warm the per-process cache of the compiled framework
    before_get = count_get()
    first_put = count_put(keys[0])
    for key in keys[1:20]:
        put(client, big.pk, key, 3, 0)
    assert count_get() == before_get
    assert count_put(keys[25]) == first_put


SUBMITTED_READ = {
    "admin": 200,
    "editor": 200,
    "viewer": 200,
    "outsider": 404,
    "anchor": 404,  # no consent: the anchor learns nothing
    "officer": 200,
    "other_officer": 404,
    "assessor": 200,
    "platform_admin": 200,
}


@pytest.mark.parametrize(("persona", "expected"), SUBMITTED_READ.items())
@pytest.mark.parametrize(
    "suffix", ["", "result/", "history/", "answers/q_net/revisions/", "evidence/"]
)
def test_who_may_read_an_assessment_pending_review(
    personas: Personas, draft, persona: str, expected: int, suffix: str
) -> None:
    submit_best(personas, draft)
    response = api_as(personas.all()[persona]).get(f"/api/v1/assessments/{draft.pk}/{suffix}")
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    {**WRITE, "admin": 409, "editor": 409, "officer": 403, "assessor": 403}.items(),
)
def test_writes_to_a_submitted_assessment_are_409_for_its_editors(
    personas: Personas, draft, persona: str, expected: int
) -> None:
    submit_best(personas, draft)
    response = put(api_as(personas.all()[persona]), draft.pk, "q_net", "none", 1)
    assert response.status_code == expected


def test_the_assessment_list_shows_only_my_enterprises(personas: Personas, draft) -> None:
    mine = api_as(personas.viewer).get("/api/v1/assessments/").json()
    assert [a["id"] for a in mine["results"]] == [draft.pk]
    theirs = api_as(personas.outsider).get("/api/v1/assessments/").json()
    assert theirs["results"] == []
    assert api_as(None).get("/api/v1/assessments/").status_code == 401
