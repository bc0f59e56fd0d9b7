"""The exports API: who may request, see, download and retry; errors naming the field;
a list whose query count does not grow with the jobs."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from enterprises.models import Enterprise
from reports.models import ExportJob
from tests.conftest import api_as
from tests.reports.export_helpers import World, run_export, world

pytestmark = pytest.mark.django_db
__all__ = ["world"]

OFFICERS = {"officer", "other_officer"}
REQUEST = {"kind": "bureau.assessments", "format": "csv", "filters": {"framework": "report-fw"}}


def client_for(world: World, persona: str) -> APIClient:
    return APIClient() if persona == "anonymous" else api_as(world.personas.all()[persona])


def post(client: APIClient, body: dict[str, Any]) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/api/v1/exports/", body, format="json")


PERSONAS = [
    "anonymous",
    "admin",
    "editor",
    "viewer",
    "outsider",
    "anchor",
    "officer",
    "other_officer",
    "assessor",
    "platform_admin",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_bureau_officers_may_request_the_bureau_exports(world: World, persona: str) -> None:
    response = post(client_for(world, persona), REQUEST)
    expected = 202 if persona in OFFICERS else 401 if persona == "anonymous" else 403
    assert response.status_code == expected, response.content
    if expected == 202:
        body = response.json()
        assert body["kind"] == "bureau.assessments" and body["format"] == "csv"
        assert body["filters"] == {"framework": "report-fw"}
        assert body["scope"].startswith("地区：")
        assert body["url"] == f"/api/v1/exports/{body['id']}/"
        assert response["Location"] == body["url"]
        # Celery runs eagerly in the suite: by the next call the file is ready.
        detail = client_for(world, persona).get(body["url"]).json()
        assert (detail["state"], detail["progress"]) == ("done", 100)
        assert detail["download_url"] == f"/api/v1/exports/{body['id']}/download/"
    else:
        assert ExportJob.objects.count() == 0


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_job_is_seen_only_by_its_requester_and_platform_staff(world: World, persona: str) -> None:
    job = run_export(world.personas.officer, "bureau.enterprises")
    client = client_for(world, persona)
    detail = client.get(f"/api/v1/exports/{job.pk}/")
    download = client.get(f"/api/v1/exports/{job.pk}/download/")
    if persona == "anonymous":
        assert (detail.status_code, download.status_code) == (401, 401)
    elif persona in ("officer", "platform_admin"):
        assert detail.status_code == 200
        assert detail.json()["state"] == "done"
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["X-Content-Type-Options"] == "nosniff"
    else:
        assert (detail.status_code, download.status_code) == (404, 404)
        assert detail.json()["detail"] == "未找到该导出。"


def test_the_download_is_the_csv_file_with_a_dated_name(world: World) -> None:
    job = run_export(world.personas.officer, "bureau.enterprises")
    response = api_as(world.personas.officer).get(f"/api/v1/exports/{job.pk}/download/")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"-{job.pk}.csv" in response["Content-Disposition"]
    assert "gradient-bureau-enterprises-" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(world.suzhou)


def test_an_xlsx_download_has_the_spreadsheet_type(world: World) -> None:
    job = run_export(world.personas.officer, "bureau.enterprises", "xlsx")
    response = api_as(world.personas.officer).get(f"/api/v1/exports/{job.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_a_job_not_ready_answers_409_with_its_state(world: World) -> None:
    from reports.services.exports import export_job_request

    job = export_job_request(
        user=world.personas.officer, kind="bureau.enterprises", format="csv", filters={}
    )
    client = api_as(world.personas.officer)
    response = client.get(f"/api/v1/exports/{job.pk}/download/")
    assert response.status_code == 409
    assert response.json()["state"] == "queued"
    detail = client.get(f"/api/v1/exports/{job.pk}/").json()
    assert detail["state"] == "queued" and detail["download_url"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**REQUEST, "kind": "bureau.everything"}, "kind"),
        ({**REQUEST, "format": "pdf"}, "format"),
        ({**REQUEST, "filters": {}}, "filters.framework"),
        ({**REQUEST, "filters": {"framework": "no-such-fw"}}, "filters.framework"),
        ({**REQUEST, "filters": {"framework": "report-fw", "region": "320200"}}, "filters.region"),
        ({**REQUEST, "filters": {"framework": "report-fw", "date_to": "soon"}}, "filters.date_to"),
        ({**REQUEST, "filters": {"framework": "report-fw", "colour": "red"}}, "filters.colour"),
        ({**REQUEST, "filters": ["report-fw"]}, "filters"),
        ({"format": "csv"}, "kind"),
    ],
)
def test_a_bad_request_is_400_naming_the_field(world: World, body: dict, field: str) -> None:
    response = post(api_as(world.personas.officer), body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert ExportJob.objects.count() == 0


def test_too_many_exports_in_flight_is_409(world: World) -> None:
    from reports.services.exports import MAX_IN_FLIGHT, export_job_request

    for _ in range(MAX_IN_FLIGHT):
        export_job_request(user=world.personas.officer, **REQUEST)
    response = post(api_as(world.personas.officer), REQUEST)
    assert response.status_code == 409


def test_the_list_holds_only_the_callers_jobs_newest_first(world: World) -> None:
    mine = [run_export(world.personas.officer, "bureau.enterprises") for _ in range(2)]
    run_export(world.personas.other_officer, "bureau.enterprises")
    body = api_as(world.personas.officer).get("/api/v1/exports/").json()
    assert body["count"] == 2
    assert [job["id"] for job in body["results"]] == [mine[1].pk, mine[0].pk]
    staff = api_as(world.personas.platform_admin).get("/api/v1/exports/").json()
    assert staff["count"] == 0  # staff list their own; they open others' by id
    assert APIClient().get("/api/v1/exports/").status_code == 401


def test_the_list_costs_the_same_queries_for_2_and_12_jobs(world: World) -> None:
    client = api_as(world.personas.officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/exports/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        run_export(world.personas.officer, "bureau.enterprises")
    few = queries()
    ExportJob.objects.bulk_create(
        [
            ExportJob(requested_by=world.personas.officer, kind="bureau.enterprises", format="csv")
            for _ in range(10)
        ]
    )
    assert queries() == few


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_failed_job_is_retried_only_by_its_requester_or_staff(world: World, persona: str) -> None:
    job = run_export(world.personas.officer, "bureau.enterprises")
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED, error="boom")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(world, persona).post(f"/api/v1/exports/{job.pk}/retry/")
    expected = {"anonymous": 401, "officer": 202, "platform_admin": 202}.get(persona, 404)
    assert response.status_code == expected
    job.refresh_from_db()
    assert job.state == (ExportJob.State.DONE if expected == 202 else ExportJob.State.FAILED)


def test_retrying_a_finished_job_is_409(world: World) -> None:
    job = run_export(world.personas.officer, "bureau.enterprises")
    response = api_as(world.personas.officer).post(f"/api/v1/exports/{job.pk}/retry/")
    assert response.status_code == 409


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_kinds_list_offers_officers_the_bureau_kinds_with_their_filters(
    world: World, persona: str
) -> None:
    response = client_for(world, persona).get("/api/v1/exports/kinds/")
    if persona == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    kinds = {kind["code"]: kind for kind in response.json()}
    if persona in OFFICERS:
        assert set(kinds) == {"bureau.enterprises", "bureau.assessments"}
        filters = {f["name"]: f for f in kinds["bureau.assessments"]["filters"]}
        assert filters["framework"]["required"] is True
        assert {"value": "report-fw", "label": "报告测试框架"} in filters["framework"]["choices"]
        assert filters["date_from"]["type"] == "date"
        regions = {c["value"] for c in filters["region"]["choices"]}
        inside, outside = ("320583", "320205")[:: 1 if persona == "officer" else -1]
        assert inside in regions and outside not in regions
    elif persona in ("admin", "editor", "viewer", "outsider", "anchor"):
        # Members of an enterprise may export its suppliers, choosing among their own.
        assert set(kinds) == {"anchor.suppliers"}
        (anchor_filter,) = kinds["anchor.suppliers"]["filters"]
        mine = {str(e.pk) for e in Enterprise.objects.of_member(world.personas.all()[persona])}
        assert {c["value"] for c in anchor_filter["choices"]} == mine
    else:
        assert kinds == {}


def test_the_schema_describes_the_export_endpoints(world: World) -> None:
    schema = api_as(world.personas.officer).get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/exports/",
        "/api/v1/exports/kinds/",
        "/api/v1/exports/{id}/",
        "/api/v1/exports/{id}/download/",
        "/api/v1/exports/{id}/retry/",
    ):
        assert path in schema["paths"], path
    assert "202" in schema["paths"]["/api/v1/exports/"]["post"]["responses"]
