"""A draft moved between framework versions; evidence by content type, private to the tenant."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Answer, AnswerRevision, Evidence
from assessments.services import frameworks as fw_services
from tests.assessments.helpers import MINIMAL_YAML
from tests.conftest import Personas, api_as

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def put(client, pk: int, key: str, value, base: int):
    return client.put(
        f"/api/v1/assessments/{pk}/answers/{key}/",
        {"value": value, "base_revision": base},
        format="json",
    )


def test_a_draft_moves_to_a_new_version_carrying_answers_by_key(personas: Personas, draft) -> None:
    client = api_as(personas.editor)
    put(client, draft.pk, "q_net", "full", 0)
    put(client, draft.pk, "q_mes", True, 0)
    # Version 2 drops q_mes, keeps q_net but renames its options, adds a question.
    v2 = (
        MINIMAL_YAML.replace('version: "1"', 'version: "2"')
        .replace("value: full", "value: complete")
        .replace("key: q_mes", "key: q_erp")
    )
    fw_services.framework_import(source=v2, publish=True)
    # The draft stays on its version until the enterprise moves it.
    assert client.get(f"/api/v1/assessments/{draft.pk}/").json()["framework_version"] == "1"
    response = client.post(f"/api/v1/assessments/{draft.pk}/move-to-latest/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {"framework_version": "2", "carried": [], "dropped": ["q_mes", "q_net"]}
    assert not Answer.objects.filter(assessment=draft).exists()
    # What was dropped is still in the history.
    assert AnswerRevision.objects.filter(assessment=draft, new_value__isnull=True).count() == 2
    again = client.post(f"/api/v1/assessments/{draft.pk}/move-to-latest/")
    assert again.status_code == 409


def test_answers_that_still_fit_are_carried(personas: Personas, draft) -> None:
    client = api_as(personas.editor)
    put(client, draft.pk, "q_net", "full", 0)
    put(client, draft.pk, "q_mes", True, 0)
    fw_services.framework_import(
        source=MINIMAL_YAML.replace('version: "1"', 'version: "1.1"'), publish=True
    )
    body = client.post(f"/api/v1/assessments/{draft.pk}/move-to-latest/").json()
    assert body["carried"] == ["q_mes", "q_net"] and body["dropped"] == []
    assert (
        client.get(f"/api/v1/assessments/{draft.pk}/").json()["answers"]["q_net"]["value"] == "full"
    )


def test_a_viewer_cannot_move_a_draft(personas: Personas, draft) -> None:
    response = api_as(personas.viewer).post(f"/api/v1/assessments/{draft.pk}/move-to-latest/")
    assert response.status_code == 403


def upload(client, pk: int, name: str, data: bytes, key: str = "q_net"):
    return client.post(
        f"/api/v1/assessments/{pk}/evidence/",
        {"question_key": key, "file": SimpleUploadedFile(name, data)},
        format="multipart",
    )


def test_evidence_is_typed_by_content_and_stored_under_a_random_name(
    personas: Personas, draft
) -> None:
    client = api_as(personas.editor)
    response = upload(client, draft.pk, "网络拓扑.pdf", PDF)
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get()
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name == "网络拓扑.pdf"
    assert "网络拓扑" not in evidence.file.name
    assert evidence.file.name.endswith(".pdf")
    # A PNG renamed .pdf is stored as what it is; HTML renamed .pdf is refused.
    png = upload(client, draft.pk, "photo.pdf", PNG)
    assert png.status_code == 201
    assert png.json()["content_type"] == "image/png"
    html = upload(client, draft.pk, "evil.pdf", b"<html><script>alert(1)</script></html>")
    assert html.status_code == 400
    assert "file" in html.json()["errors"]
    svg = upload(client, draft.pk, "x.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    assert svg.status_code == 400


def test_evidence_over_the_size_limit_is_refused(personas: Personas, draft, settings) -> None:
    settings.GRADIENT_EVIDENCE_MAX_BYTES = 1024
    response = upload(api_as(personas.editor), draft.pk, "big.pdf", PDF + b"0" * 2048)
    assert response.status_code == 400
    assert not Evidence.objects.exists()


def test_evidence_for_an_unknown_question_is_refused(personas: Personas, draft) -> None:
    response = upload(api_as(personas.editor), draft.pk, "a.pdf", PDF, key="nope")
    assert response.status_code == 400


DOWNLOAD = {
    "admin": 200,
    "editor": 200,
    "viewer": 200,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 200,
}


@pytest.mark.parametrize(("persona", "expected"), DOWNLOAD.items())
def test_evidence_download_is_private_to_who_may_see_the_assessment(
    personas: Personas, draft, persona: str, expected: int
) -> None:
    upload(api_as(personas.editor), draft.pk, "a.pdf", PDF)
    evidence = Evidence.objects.get()
    response = api_as(personas.all()[persona]).get(f"/api/v1/evidence/{evidence.pk}/download/")
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF
    listing = api_as(personas.all()[persona]).get(f"/api/v1/assessments/{draft.pk}/evidence/")
    assert listing.status_code == expected


UPLOAD = {
    "admin": 201,
    "editor": 201,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 403,  # reads the draft, changes nothing
}


@pytest.mark.parametrize(("persona", "expected"), UPLOAD.items())
def test_who_may_attach_evidence(personas: Personas, draft, persona: str, expected: int) -> None:
    response = upload(api_as(personas.all()[persona]), draft.pk, "a.pdf", PDF)
    assert response.status_code == expected


def test_evidence_is_deleted_by_an_editor_and_frozen_after_submission(
    personas: Personas, draft
) -> None:
    client = api_as(personas.editor)
    first = upload(client, draft.pk, "a.pdf", PDF).json()
    assert api_as(personas.viewer).delete(f"/api/v1/evidence/{first['id']}/").status_code == 403
    assert client.delete(f"/api/v1/evidence/{first['id']}/").status_code == 204
    second = upload(client, draft.pk, "b.pdf", PDF).json()
    put(client, draft.pk, "q_net", "full", 0)
    put(client, draft.pk, "q_mes", False, 0)
    client.post(f"/api/v1/assessments/{draft.pk}/submit/", {"pledge": True}, format="json")
    assert client.delete(f"/api/v1/evidence/{second['id']}/").status_code == 409
    assert upload(client, draft.pk, "c.pdf", PDF).status_code == 409
    assert io.BytesIO(PDF).read() == PDF
