"""The reviewers' queue and review page: who sees what, and decisions from the web."""

from __future__ import annotations

import pytest
from django.test import Client

from assessments.models import Assessment
from assessments.services.assessments import answer_save, assessment_submit
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pending(personas: Personas, draft) -> Assessment:
    answer_save(
        assessment=draft, user=personas.editor, question_key="q_net", value="full", base_revision=0
    )
    answer_save(
        assessment=draft, user=personas.editor, question_key="q_mes", value=True, base_revision=0
    )
    return assessment_submit(assessment=draft, user=personas.editor, pledge=True)


QUEUE_SHOWS = {
    "admin": False,
    "viewer": False,
    "outsider": False,
    "anchor": False,
    "officer": True,
    "other_officer": False,
    "assessor": True,
    "platform_admin": False,
}


@pytest.mark.parametrize(("persona", "shows"), QUEUE_SHOWS.items())
def test_the_queue_shows_pending_assessments_to_reviewers_in_scope(
    personas: Personas, pending, persona: str, shows: bool
) -> None:
    response = signed_in(personas.all()[persona]).get("/reviews/")
    assert response.status_code == 200
    assert (personas.enterprise.name in response.content.decode()) is shows


REVIEW_PAGE = {
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


@pytest.mark.parametrize(("persona", "expected"), REVIEW_PAGE.items())
def test_review_page_permissions(personas: Personas, pending, persona: str, expected: int) -> None:
    response = signed_in(personas.all()[persona]).get(f"/reviews/{pending.pk}/")
    assert response.status_code == expected


def test_the_review_page_shows_answers_in_words(personas: Personas, pending) -> None:
    html = signed_in(personas.assessor).get(f"/reviews/{pending.pk}/").content.decode()
    assert "全覆盖" in html  # the option label, not the raw value "full"
    assert "是否部署MES" in html


def test_a_decision_from_the_web_is_recorded(personas: Personas, pending) -> None:
    client = signed_in(personas.officer)
    response = client.post(
        f"/reviews/{pending.pk}/", {"decision": "confirm", "confirmed_level": "L1", "comment": ""}
    )
    assert response.status_code == 200  # a lower level without a reason is refused
    pending.refresh_from_db()
    assert pending.status == "pending_review"
    response = client.post(
        f"/reviews/{pending.pk}/",
        {"decision": "confirm", "confirmed_level": "L2", "comment": ""},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.confirmed_level_code) == ("confirmed", "L2")


def test_the_queue_names_levels_in_words(personas: Personas, pending) -> None:
    html = signed_in(personas.assessor).get("/reviews/").content.decode()
    assert "二级" in html
    assert ">L2<" not in html
