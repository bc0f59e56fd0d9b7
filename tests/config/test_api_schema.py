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


def test_the_schema_is_the_same_for_every_visitor(personas) -> None:
    """What allows one schema per process: generated afresh for each, anonymous and
    signed-in visitors get the same document."""
    from config.views import _rendered, _schemas

    bodies = []
    for user in (None, personas.admin, personas.officer, personas.platform_admin):
        _schemas.clear()
        _rendered.clear()
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get("/api/schema/?format=json")
        assert response.status_code == 200
        bodies.append(response.content)
    assert all(body == bodies[0] for body in bodies)


def test_the_schema_is_generated_once_per_language(monkeypatch) -> None:
    from drf_spectacular.generators import SchemaGenerator

    from config.views import _rendered, _schemas

    generated = []
    original = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        generated.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    _schemas.clear()
    _rendered.clear()
    client = Client()
    json_schema = client.get("/api/schema/?format=json")
    yaml_schema = client.get("/api/schema/")
    again = client.get("/api/schema/?format=json")
    yaml_again = client.get("/api/schema/")
    assert len(generated) == 1
    assert again.content == json_schema.content
    assert again["Content-Type"] == json_schema["Content-Type"]
    assert again["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert yaml_again.content == yaml_schema.content
    assert yaml_again["Content-Type"] == yaml_schema["Content-Type"]
    assert yaml_again["Content-Type"].startswith("application/vnd.oai.openapi")
    assert b"openapi:" in yaml_again.content
    assert "attachment" not in again["Content-Disposition"]
    assert client.get("/api/schema/?format=json&lang=en").status_code == 200
    assert len(generated) == 2
