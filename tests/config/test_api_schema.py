"""The OpenAPI schema describes the API and the docs are served without any CDN."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    text = (tmp_path / "s.yaml").read_text()
    for path in (
        "/api/v1/auth/register/",
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/enterprises/{id}/",
        "/api/v1/frameworks/{code}/score/",
        "/api/v1/assessments/{id}/answers/{key}/",
        "/api/v1/assessments/{id}/submit/",
        "/api/v1/assessments/{id}/review/",
    ):
        assert path in text, path


def test_schema_and_docs_are_served_from_the_project(client: Client) -> None:
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()
