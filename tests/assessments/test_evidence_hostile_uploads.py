"""Hostile evidence uploads: markup is refused whatever its name, nothing is ever served
inline or sniffable, and a file's name cannot reach the response headers."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from assessments.models import Evidence
from tests.conftest import Personas, api_as

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")

MARKUP = {
    "svg with an xml prolog": (
        "chart.svg",
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(1)</script></svg>",
    ),
    "svg named png": ("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>'),
    "html with a bom": ("report.pdf", b"\xef\xbb\xbf<!DOCTYPE html><script>alert(1)</script>"),
    "html after blank lines": ("scan.jpg", b"\n\n   <html><body onload=alert(1)>"),
    "xhtml": ("a.docx", b'<html xmlns="http://www.w3.org/1999/xhtml"><script/></html>'),
    "plain text": ("notes.pdf", b"just some text that pretends to be a pdf"),
}


def api_upload(client, pk: int, name: str, data: bytes):
    return client.post(
        f"/api/v1/assessments/{pk}/evidence/",
        {"question_key": "q_net", "file": SimpleUploadedFile(name, data)},
        format="multipart",
    )


@pytest.mark.parametrize(("name", "data"), MARKUP.values(), ids=MARKUP.keys())
def test_markup_is_refused_through_the_api(personas: Personas, draft, name, data) -> None:
    response = api_upload(api_as(personas.editor), draft.pk, name, data)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["file"]
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(("name", "data"), MARKUP.values(), ids=MARKUP.keys())
def test_markup_is_refused_through_the_page_form(personas: Personas, draft, name, data) -> None:
    client = Client()
    client.force_login(personas.editor)
    response = client.post(
        f"/assessments/{draft.pk}/evidence/",
        {"question_key": "q_net", "file": SimpleUploadedFile(name, data)},
        follow=True,
    )
    assert response.status_code == 200
    assert "不支持上传此类文件" in response.content.decode()
    assert not Evidence.objects.exists()


def download(personas: Personas, evidence: Evidence):
    return api_as(personas.admin).get(f"/api/v1/evidence/{evidence.pk}/download/")


def test_a_png_with_markup_behind_its_header_downloads_as_a_png_attachment(
    personas: Personas, draft
) -> None:
    polyglot = PNG + b"<html><script>alert(1)</script></html>"
    assert api_upload(api_as(personas.editor), draft.pk, "x.html", polyglot).status_code == 201
    evidence = Evidence.objects.get()
    assert evidence.content_type == "image/png"
    assert evidence.file.name.endswith(".png")  # never the .html it was called
    response = download(personas, evidence)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("stored_type", ["text/html", "image/svg+xml", "application/xhtml+xml"])
def test_a_stored_type_outside_the_allowed_list_is_served_as_opaque_bytes(
    personas: Personas, draft, stored_type: str
) -> None:
    """Defence in depth: a row written before today's checks (or by hand) still never
    reaches a browser as markup."""
    api_upload(api_as(personas.editor), draft.pk, "a.pdf", PDF)
    evidence = Evidence.objects.get()
    Evidence.objects.filter(pk=evidence.pk).update(content_type=stored_type)
    evidence.refresh_from_db()
    response = download(personas, evidence)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "name",
    ['evil"\r\nSet-Cookie: x=1.pdf', "..\\..\\etc\\passwd.pdf", "../../../settings.py.pdf"],
)
def test_a_hostile_file_name_reaches_neither_the_disk_nor_the_headers(
    personas: Personas, draft, name: str
) -> None:
    response = api_upload(api_as(personas.editor), draft.pk, name, PDF)
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get()
    # Stored under a random name of our making, whatever the upload was called.
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", evidence.file.name)
    served = download(personas, evidence)
    assert served.status_code == 200
    assert "Set-Cookie" not in served.headers
    assert "\n" not in served["Content-Disposition"] and "\r" not in served["Content-Disposition"]
    assert b"".join(served.streaming_content) == PDF


def test_uploaded_files_are_not_reachable_under_the_media_url(personas: Personas, draft) -> None:
    api_upload(api_as(personas.editor), draft.pk, "a.pdf", PDF)
    evidence = Evidence.objects.get()
    client = Client()
    client.force_login(personas.admin)
    assert client.get(f"/media/{evidence.file.name}").status_code == 404
