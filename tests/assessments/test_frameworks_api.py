"""GET /api/v1/frameworks/..., POST /api/v1/frameworks/{code}/score/ as API.md says."""

from __future__ import annotations

import pytest

from tests.assessments.helpers import SHIPPED, best_answers, shipped_doc
from tests.conftest import Personas, api_as

pytestmark = pytest.mark.django_db


def test_frameworks_need_a_signed_in_caller(api) -> None:
    assert api.get("/api/v1/frameworks/").status_code == 401
    assert api.get(f"/api/v1/frameworks/{SHIPPED[0]}/").status_code == 401
    assert api.post(f"/api/v1/frameworks/{SHIPPED[0]}/score/", {}, format="json").status_code == 401


@pytest.mark.parametrize(
    "persona", ["admin", "viewer", "outsider", "anchor", "officer", "assessor", "platform_admin"]
)
def test_every_signed_in_persona_lists_the_published_frameworks(
    personas: Personas, persona: str
) -> None:
    body = api_as(personas.all()[persona]).get("/api/v1/frameworks/").json()
    assert {f["code"] for f in body} == set(SHIPPED)
    for entry in body:
        assert set(entry) >= {"code", "version", "title", "levels"}
        assert all(set(level) >= {"code", "name"} for level in entry["levels"])


@pytest.mark.parametrize("code", SHIPPED)
def test_framework_detail_has_the_contract_shape_without_scores(
    personas: Personas, code: str
) -> None:
    body = api_as(personas.admin).get(f"/api/v1/frameworks/{code}/").json()
    assert body["code"] == code
    assert body["version"] == str(shipped_doc(code)["version"])
    questions = []
    for dim in body["dimensions"]:
        assert {"key", "name"} <= set(dim)
        for area in dim.get("areas", []):
            questions.extend(area["questions"])
        questions.extend(dim.get("questions", []))
    assert len(questions) >= 30
    for q in questions:
        assert {"key", "type", "text", "required", "options"} <= set(q)
        for option in q["options"]:
            assert set(option) >= {"value", "label"}
            assert "score" not in option


def test_a_version_can_be_read_by_number_and_unknowns_are_404(personas: Personas) -> None:
    client = api_as(personas.admin)
    code = SHIPPED[0]
    version = shipped_doc(code)["version"]
    assert client.get(f"/api/v1/frameworks/{code}/versions/{version}/").status_code == 200
    assert client.get(f"/api/v1/frameworks/{code}/versions/0.0/").status_code == 404
    assert client.get("/api/v1/frameworks/no-such-framework/").status_code == 404


def test_framework_text_follows_the_language(personas: Personas) -> None:
    client = api_as(personas.admin)
    zh = client.get(f"/api/v1/frameworks/{SHIPPED[0]}/").json()["title"]
    en = client.get(f"/api/v1/frameworks/{SHIPPED[0]}/", HTTP_ACCEPT_LANGUAGE="en").json()["title"]
    assert zh != en
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)


@pytest.mark.parametrize("code", SHIPPED)
def test_best_answers_reach_the_top_level_with_the_maximum(personas: Personas, code: str) -> None:
    doc = shipped_doc(code)
    response = api_as(personas.admin).post(
        f"/api/v1/frameworks/{code}/score/", {"answers": best_answers(doc)}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == body["max_total"]
    assert body["level"]["code"] == doc["levels"][-1]["code"]
    assert body["next_level"] is None
    assert all(d["score"] == d["max"] for d in body["dimensions"])


@pytest.mark.parametrize("code", SHIPPED)
def test_empty_answers_reach_no_level_and_explain_the_first(personas: Personas, code: str) -> None:
    doc = shipped_doc(code)
    body = (
        api_as(personas.admin)
        .post(f"/api/v1/frameworks/{code}/score/", {"answers": {}}, format="json")
        .json()
    )
    assert body["total"] == 0
    assert body["level"] is None
    assert body["next_level"]["code"] == doc["levels"][0]["code"]
    gates = body["next_level"]["gates"]
    assert gates and not all(g["met"] for g in gates)
    for gate in gates:
        assert {"met", "description", "actual", "required"} <= set(gate)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in gate["description"])


def test_every_invalid_answer_is_named_at_once(personas: Personas) -> None:
    code = "sme-digital-level-2024"
    doc = shipped_doc(code)
    keys = {
        q["type"]: q["key"]
        for dim in doc["dimensions"]
        for area in dim.get("areas", [dim])
        for q in area.get("questions", [])
    }
    answers = {"no_such_question": 1, keys["single"]: "zzz", keys["scene_level"]: 9}
    response = api_as(personas.admin).post(
        f"/api/v1/frameworks/{code}/score/", {"answers": answers}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {
        "answers.no_such_question",
        f"answers.{keys['single']}",
        f"answers.{keys['scene_level']}",
    } <= set(errors)


def test_a_body_without_answers_is_a_400(personas: Personas) -> None:
    response = api_as(personas.admin).post(
        f"/api/v1/frameworks/{SHIPPED[0]}/score/", {"answers": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "answers" in response.json()["errors"]


def test_framework_reads_do_not_fetch_the_documents_again(personas: Personas) -> None:
    """The list and the details come from forms kept per process: once warm, no query
    transfers a version's document (hundreds of KB of JSON and YAML each)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(personas.admin)
    code = SHIPPED[1]
    version = shipped_doc(code)["version"]
    urls = [
        "/api/v1/frameworks/",
        f"/api/v1/frameworks/{code}/",
        f"/api/v1/frameworks/{code}/versions/{version}/",
    ]
    first = [client.get(url).json() for url in urls]
    with CaptureQueriesContext(connection) as ctx:
        again = [client.get(url).json() for url in urls]
    assert again == first
    fetched = [q["sql"] for q in ctx.captured_queries if '."definition"' in q["sql"]]
    assert fetched == [] and not [q for q in ctx.captured_queries if '."source"' in q["sql"]]


def test_a_retired_version_reads_as_retired(personas: Personas) -> None:
    from assessments.models import FrameworkVersion
    from assessments.services import frameworks as fw_services
    from tests.assessments.helpers import MINIMAL_YAML

    first = fw_services.framework_import(source=MINIMAL_YAML, publish=True)
    fw_services.framework_import(source=MINIMAL_YAML.replace('"1"', '"2"', 1), publish=True)
    client = api_as(personas.admin)
    url = "/api/v1/frameworks/test-fw/versions/1/"
    assert client.get(url).json()["status"] == "published"
    fw_services.framework_version_retire(version=FrameworkVersion.objects.get(pk=first.pk))
    assert client.get(url).json()["status"] == "retired"
