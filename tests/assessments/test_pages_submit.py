"""Submitting from the web: the pledge, every missing question at once, the outcome."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from assessments.models import Assessment
from assessments.services.assessments import answer_save
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def answer(draft: Assessment, user, key: str, value) -> None:
    answer_save(assessment=draft, user=user, question_key=key, value=value, base_revision=0)


SUBMIT_PAGE = {
    "admin": 200,
    "editor": 200,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 403,  # reads the draft, does not submit it
}


@pytest.mark.parametrize(("persona", "expected"), SUBMIT_PAGE.items())
def test_who_may_open_the_submission_page(
    personas: Personas, draft, persona: str, expected: int
) -> None:
    response = signed_in(personas.all()[persona]).get(f"/assessments/{draft.pk}/submit/")
    assert response.status_code == expected


SUBMIT_POST = {
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


@pytest.mark.parametrize(("persona", "expected"), SUBMIT_POST.items())
def test_who_may_submit(personas: Personas, draft, persona: str, expected: int) -> None:
    answer(draft, personas.editor, "q_net", "full")
    answer(draft, personas.editor, "q_mes", False)
    response = signed_in(personas.all()[persona]).post(
        f"/assessments/{draft.pk}/submit/", {"pledge": "on"}
    )
    assert response.status_code == expected
    draft.refresh_from_db()
    assert draft.status == ("submitted" if expected == 302 else "draft")


def test_an_anonymous_visitor_is_sent_to_sign_in(draft) -> None:
    response = Client().post(f"/assessments/{draft.pk}/submit/", {"pledge": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_page_lists_what_is_still_missing_before_submitting(personas: Personas, draft) -> None:
    answer(draft, personas.editor, "q_net", "full")
    html = signed_in(personas.editor).get(f"/assessments/{draft.pk}/submit/").content.decode()
    assert f'href="/assessments/{draft.pk}/#q-q_mes"' in html
    assert "#q-q_net" not in html
    assert 'name="pledge"' in html


def test_without_the_pledge_every_missing_question_is_listed_with_a_link(
    personas: Personas, draft
) -> None:
    response = signed_in(personas.editor).post(f"/assessments/{draft.pk}/submit/", {})
    assert response.status_code == 200
    html = response.content.decode()
    assert zh("Accept the truthfulness pledge to submit.") in html
    assert f'href="/assessments/{draft.pk}/#q-q_net"' in html
    assert f'href="/assessments/{draft.pk}/#q-q_mes"' in html
    assert html.count(zh("This question needs an answer.")) == 2
    assert "has-error" in html.split('id="pledge"')[1]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_with_the_pledge_but_missing_answers_only_the_answers_are_listed(
    personas: Personas, draft
) -> None:
    answer(draft, personas.editor, "q_net", "full")
    response = signed_in(personas.editor).post(f"/assessments/{draft.pk}/submit/", {"pledge": "on"})
    html = response.content.decode()
    assert zh("Accept the truthfulness pledge to submit.") not in html
    assert f'href="/assessments/{draft.pk}/#q-q_mes"' in html
    assert "#q-q_net" not in html
    assert 'name="pledge" value="on" required checked' in html  # the tick is kept
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_submitting_with_the_pledge_shows_the_read_only_questionnaire_and_level(
    personas: Personas, draft
) -> None:
    answer(draft, personas.editor, "q_net", "full")
    answer(draft, personas.editor, "q_mes", False)
    client = signed_in(personas.editor)
    response = client.post(f"/assessments/{draft.pk}/submit/", {"pledge": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert draft.pledge_accepted_at is not None
    html = client.get(response["Location"]).content.decode()
    assert "status-submitted" in html
    assert "一级" in html  # L1's name
    assert f'href="/assessments/{draft.pk}/result/"' in html
    assert 'data-editable="false"' in html
    assert "questionnaire.js" not in html
    assert 'class="messages"' in html


def test_a_level_that_needs_review_is_shown_as_pending(personas: Personas, draft) -> None:
    answer(draft, personas.editor, "q_net", "full")
    answer(draft, personas.editor, "q_mes", True)
    client = signed_in(personas.admin)
    response = client.post(f"/assessments/{draft.pk}/submit/", {"pledge": "on"}, follow=True)
    html = response.content.decode()
    assert "status-pending_review" in html
    assert "二级" in html  # L2, self-assessed, awaiting confirmation
    draft.refresh_from_db()
    assert draft.status == "pending_review"
    assert draft.confirmed_level_code == ""


def test_a_viewer_cannot_post_a_submission(personas: Personas, draft) -> None:
    answer(draft, personas.editor, "q_net", "full")
    answer(draft, personas.editor, "q_mes", True)
    response = signed_in(personas.viewer).post(f"/assessments/{draft.pk}/submit/", {"pledge": "on"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.submitted_at is None


def test_a_submitted_assessment_sends_the_submission_page_back_to_the_questionnaire(
    personas: Personas, draft
) -> None:
    answer(draft, personas.editor, "q_net", "full")
    answer(draft, personas.editor, "q_mes", False)
    client = signed_in(personas.editor)
    client.post(f"/assessments/{draft.pk}/submit/", {"pledge": "on"})
    for response in (
        client.get(f"/assessments/{draft.pk}/submit/"),
        client.post(f"/assessments/{draft.pk}/submit/", {"pledge": "on"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == f"/assessments/{draft.pk}/"
