"""The full assessment report PDF: made in a task, in Chinese, with text that can be read."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from assessments.services.assessments import answer_save, assessment_submit
from reports.models import Certificate, GeneratedFile
from tests.conftest import Personas, api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(personas: Personas, draft, django_capture_on_commit_callbacks):
    answer_save(
        assessment=draft, user=personas.editor, question_key="q_net", value="full", base_revision=0
    )
    answer_save(
        assessment=draft, user=personas.editor, question_key="q_mes", value=False, base_revision=0
    )
    with django_capture_on_commit_callbacks(execute=True):
        return assessment_submit(assessment=draft, user=personas.editor, pledge=True)


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(
        "\n", ""
    )


def test_the_report_is_made_on_request_and_holds_name_level_serial_and_plan(
    personas: Personas, submitted, client, django_capture_on_commit_callbacks
) -> None:
    client.force_login(personas.viewer)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(f"/assessments/{submitted.pk}/report.pdf")
    assert first.status_code in (200, 202)
    response = client.get(f"/assessments/{submitted.pk}/report.pdf")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    text = pdf_text(data)
    serial = Certificate.objects.get(assessment=submitted).serial
    for expected in (personas.enterprise.name, "一级", serial, "部署MES"):
        assert expected in text, expected
    assert len(PdfReader(io.BytesIO(data)).pages) >= 2  # a cover and the body


def test_the_report_api_reports_progress_and_the_url(
    personas: Personas, submitted, django_capture_on_commit_callbacks
) -> None:
    client = api_as(personas.admin)
    url = f"/api/v1/assessments/{submitted.pk}/report/"
    assert client.get(url).json()["state"] == "missing"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    body = client.get(url).json()
    assert body["state"] == "done" and body["progress"] == 100
    assert body["pdf_url"] == f"/assessments/{submitted.pk}/report.pdf"
    assert GeneratedFile.objects.filter(kind="report_pdf", object_id=submitted.pk).count() == 1


def test_a_draft_has_no_report(personas: Personas, draft) -> None:
    assert api_as(personas.admin).get(f"/api/v1/assessments/{draft.pk}/report/").status_code == 404


REPORT = {
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


@pytest.mark.parametrize(("persona", "expected"), REPORT.items())
def test_who_may_see_the_report_state(
    personas: Personas, submitted, persona: str, expected: int
) -> None:
    response = api_as(personas.all()[persona]).get(f"/api/v1/assessments/{submitted.pk}/report/")
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    {
        **REPORT,
        "admin": 202,
        "editor": 202,
        "viewer": 202,
        "officer": 202,
        "platform_admin": 202,
    }.items(),
)
def test_who_may_open_the_report_page(
    personas: Personas, submitted, client, persona: str, expected: int
) -> None:
    client.force_login(personas.all()[persona])
    assert client.get(f"/assessments/{submitted.pk}/report.pdf").status_code == expected


def test_the_result_page_links_the_certificate_report_and_plan(
    personas: Personas, submitted, client
) -> None:
    client.force_login(personas.viewer)
    html = client.get(f"/assessments/{submitted.pk}/result/").content.decode()
    serial = Certificate.objects.get(assessment=submitted).serial
    assert serial in html
    assert f"/verify/{serial}/" in html
    assert f"/certificates/{serial}/pdf/" in html
    assert f"/assessments/{submitted.pk}/report.pdf" in html
    assert f"/assessments/{submitted.pk}/plan/" in html
