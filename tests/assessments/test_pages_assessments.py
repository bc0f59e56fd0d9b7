"""An enterprise's assessments page: who sees it, what it lists, starting one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from assessments.models import Assessment
from assessments.services.assessments import answer_save, assessment_start, assessment_submit
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(personas: Personas) -> str:
    return f"/enterprises/{personas.enterprise.pk}/assessments/"


LIST = {
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


@pytest.mark.parametrize(("persona", "expected"), LIST.items())
def test_who_may_see_an_enterprises_assessments(
    personas: Personas, test_framework, persona: str, expected: int
) -> None:
    response = signed_in(personas.all()[persona]).get(url(personas))
    assert response.status_code == expected


def test_an_anonymous_visitor_is_sent_to_sign_in(personas: Personas) -> None:
    response = Client().get(url(personas))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_no_assessments_yet_shows_the_empty_state_and_the_start_form(
    personas: Personas, test_framework
) -> None:
    html = signed_in(personas.editor).get(url(personas)).content.decode()
    assert 'class="card empty"' in html
    assert 'name="framework"' in html
    assert 'value="test-fw"' in html
    assert 'value="smart-factory-gradient"' in html  # shipped frameworks are published


@pytest.mark.parametrize("persona", ["viewer", "officer", "platform_admin"])
def test_only_editors_and_admins_see_the_start_form(
    personas: Personas, test_framework, persona: str
) -> None:
    html = signed_in(personas.all()[persona]).get(url(personas)).content.decode()
    assert 'name="framework"' not in html


def test_the_list_shows_status_framework_version_and_level(
    personas: Personas, draft, test_framework
) -> None:
    answer_save(
        assessment=draft, user=personas.editor, question_key="q_net", value="full", base_revision=0
    )
    answer_save(
        assessment=draft, user=personas.editor, question_key="q_mes", value=False, base_revision=0
    )
    assessment_submit(assessment=draft, user=personas.editor, pledge=True)
    second = assessment_start(
        enterprise=personas.enterprise, framework_code="test-fw", user=personas.editor
    )
    html = signed_in(personas.viewer).get(url(personas)).content.decode()
    assert f'href="/assessments/{draft.pk}/"' in html
    assert f'href="/assessments/{second.pk}/"' in html
    assert "status-submitted" in html and "status-draft" in html
    assert "测试框架" in html  # the framework's title
    assert "<td>1</td>" in html  # its version
    assert "一级" in html  # the level's name (zh-hans by default)
    assert html.index(f"/assessments/{second.pk}/") < html.index(f"/assessments/{draft.pk}/")


def test_officers_in_scope_do_not_see_drafts(personas: Personas, draft) -> None:
    html = signed_in(personas.officer).get(url(personas)).content.decode()
    assert f"/assessments/{draft.pk}/" not in html
    assert 'class="card empty"' in html


START = {
    "admin": 302,
    "editor": 302,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 404,
}


@pytest.mark.parametrize(("persona", "expected"), START.items())
def test_who_may_start_an_assessment_from_the_page(
    personas: Personas, test_framework, persona: str, expected: int
) -> None:
    response = signed_in(personas.all()[persona]).post(url(personas), {"framework": "test-fw"})
    assert response.status_code == expected
    created = Assessment.objects.filter(enterprise=personas.enterprise).first()
    if expected == 302:
        assert created is not None and created.status == "draft"
        assert response["Location"] == f"/assessments/{created.pk}/"
    else:
        assert created is None


def test_a_second_draft_is_refused_with_a_link_to_the_first(personas: Personas, draft) -> None:
    response = signed_in(personas.admin).post(url(personas), {"framework": "test-fw"})
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("zh-hans"):
        message = translation.gettext(
            "This enterprise already has an open assessment on this framework."
        )
    assert message in html
    assert f'href="/assessments/{draft.pk}/"' in html.split('id="start"')[1]
    assert Assessment.objects.filter(enterprise=personas.enterprise).count() == 1


def test_an_unknown_framework_is_refused(personas: Personas, test_framework) -> None:
    response = signed_in(personas.admin).post(url(personas), {"framework": "nope"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Assessment.objects.exists()


def test_the_list_does_a_fixed_number_of_queries(personas: Personas, test_framework) -> None:
    client = signed_in(personas.admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(personas)).status_code == 200
        return len(ctx.captured_queries)

    first = assessment_start(
        enterprise=personas.enterprise, framework_code="test-fw", user=personas.editor
    )
    before = count()
    for code in ("smart-factory-gradient", "sme-digital-level-2024"):
        assessment_start(enterprise=personas.enterprise, framework_code=code, user=personas.editor)
    Assessment.objects.filter(pk=first.pk).update(status="returned")
    assessment_start(enterprise=personas.enterprise, framework_code="test-fw", user=personas.editor)
    assert count() == before
