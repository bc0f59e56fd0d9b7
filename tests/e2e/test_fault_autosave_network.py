"""A network error during autosave: the page retries and the answer lands exactly once.

Two faults: the request never reaches the server, and the server saves the answer but
the response is lost on the way back (the retry then meets its own earlier write and
adopts it instead of writing twice)."""

from __future__ import annotations

import pytest

from assessments.models import Answer, AnswerRevision, Assessment
from assessments.services.assessments import assessment_start
from enterprises.models import Role
from tests.e2e.conftest import journey_marks
from tests.factories import EnterpriseFactory, MembershipFactory

pytestmark = journey_marks()

PASSWORD = "Fault-Pass-2026!"
ANSWERS = "**/api/v1/assessments/*/answers/*/"


@pytest.fixture
def draft(reference_loaded) -> Assessment:
    enterprise = EnterpriseFactory(name="常州断网测试有限公司", region_id="320411")
    user = MembershipFactory(
        enterprise=enterprise, role=Role.ADMIN, user__username="fault-editor"
    ).user
    user.set_password(PASSWORD)
    user.save()
    return assessment_start(
        enterprise=enterprise, framework_code="sme-digital-level-2024", user=user
    )


def _open(journey, draft: Assessment, name: str):
    j = journey(name)
    j.sign_in("fault-editor", PASSWORD)
    j.page.goto(f"/assessments/{draft.pk}/")
    j.page.wait_for_selector("#questionnaire")
    return j


def _tick_and_wait(j) -> None:
    box = j.page.locator("fieldset#q-q2_equipment_digitisation")
    box.locator("input[type=radio]").last.check()
    j.page.wait_for_selector("#save-bar.is-ok", timeout=30_000)


@pytest.mark.parametrize("fault", ["request-lost", "response-lost"])
def test_an_answer_lands_once_through_a_network_error(journey, draft, fault: str) -> None:
    j = _open(journey, draft, f"fault-{fault}")
    failures: list[str] = []

    def flaky(route) -> None:
        if not failures:
            failures.append(route.request.url)
            if fault == "response-lost":
                route.fetch()  # the server handles it; the browser never hears back
            route.abort("failed")
            return
        route.continue_()

    j.page.route(ANSWERS, flaky)
    _tick_and_wait(j)
    j.shot("saved-after-retry")

    assert len(failures) == 1
    answer = Answer.objects.get(assessment=draft, question_key="q2_equipment_digitisation")
    assert answer.revision == 1
    assert AnswerRevision.objects.filter(assessment=draft).count() == 1
    j.page.reload()
    assert j.page.locator("fieldset#q-q2_equipment_digitisation input:checked").count() == 1
