"""The exports pages: my exports with progress that refreshes itself, the request forms
for officers, downloads and retries; each over every persona."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext

from reports.models import ExportJob
from reports.services.exports import export_job_request
from tests.reports.export_helpers import World, run_export, world

pytestmark = pytest.mark.django_db
__all__ = ["world"]

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
OFFICERS = {"officer", "other_officer"}


def browser(world: World, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(world.personas.all()[persona])
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_exports_page_offers_forms_to_officers_and_an_empty_list_to_others(
    world: World, persona: str
) -> None:
    response = browser(world, persona).get("/exports/")
    if persona == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
        return
    html = response.content.decode()
    assert response.status_code == 200
    assert "我的导出" in html
    assert "您还没有申请过导出。" in html
    if persona in OFFICERS:
        assert "评估及其答案" in html and "企业及其最新等级" in html
        assert 'action="/exports/new/bureau.assessments/"' in html
        assert "申请导出" in html
        assert "django_htmx/htmx-2.min.js" in html
    elif persona in ("admin", "editor", "viewer", "outsider", "anchor"):
        # Enterprise members may export their own suppliers, nothing of the bureaus'.
        assert 'action="/exports/new/anchor.suppliers/"' in html
        assert "bureau.assessments" not in html
    else:
        assert "申请导出" not in html
        assert "数据导出面向主管部门工作人员" in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_requesting_an_export_from_the_page_is_for_officers_only(
    world: World, persona: str
) -> None:
    client = browser(world, persona)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/exports/new/bureau.assessments/", {"framework": "report-fw", "format": "xlsx"}
        )
    if persona == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    elif persona in OFFICERS:
        assert response.status_code == 302 and response["Location"] == "/exports/"
        job = ExportJob.objects.get()
        assert (job.state, job.format, job.params) == ("done", "xlsx", {"framework": "report-fw"})
        page = client.get("/exports/").content.decode()
        assert f'href="/exports/{job.pk}/download/"' in page
        assert "已申请导出" in page
    else:
        assert response.status_code == 403
        assert ExportJob.objects.count() == 0


def test_a_bad_request_form_shows_the_errors_beside_the_fields(world: World) -> None:
    client = browser(world, "officer")
    response = client.post(
        "/exports/new/bureau.assessments/",
        {"framework": "", "date_from": "2025-05-01", "date_to": "2025-01-01", "format": "xlsx"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "该字段是必填项。" in html  # the framework
    assert "截止日期早于起始日期。" in html
    assert "导出未能申请" in html
    assert ExportJob.objects.count() == 0


def test_an_unknown_kind_is_404(world: World) -> None:
    response = browser(world, "officer").post("/exports/new/bureau.secrets/", {"format": "csv"})
    assert response.status_code == 404


def test_a_running_export_row_asks_htmx_to_refresh_it_and_a_finished_one_does_not(
    world: World,
) -> None:
    job = export_job_request(
        user=world.personas.officer, kind="bureau.enterprises", format="csv", filters={}
    )
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.RUNNING, progress=40, rows_done=4, rows_total=10
    )
    client = browser(world, "officer")
    page = client.get("/exports/").content.decode()
    assert f'hx-get="/exports/{job.pk}/row/"' in page
    assert 'http-equiv="refresh"' in page  # inside <noscript>, for browsers without script
    row = client.get(f"/exports/{job.pk}/row/").content.decode()
    assert row.lstrip().startswith("<tr") and 'value="40"' in row
    assert "已完成 4 / 10 行" in row
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED, error="出错了")
    row = client.get(f"/exports/{job.pk}/row/").content.decode()
    assert "hx-get" not in row
    assert "出错了" in row and f'action="/exports/{job.pk}/retry/"' in row


@pytest.mark.parametrize("persona", PERSONAS)
def test_rows_downloads_and_retries_are_for_the_requester_and_staff(
    world: World, persona: str
) -> None:
    done = run_export(world.personas.officer, "bureau.enterprises")
    failed = run_export(world.personas.officer, "bureau.enterprises")
    ExportJob.objects.filter(pk=failed.pk).update(state=ExportJob.State.FAILED, error="boom")
    client = browser(world, persona)
    row = client.get(f"/exports/{done.pk}/row/")
    download = client.get(f"/exports/{done.pk}/download/")
    with TestCase.captureOnCommitCallbacks(execute=True):
        retry = client.post(f"/exports/{failed.pk}/retry/")
    failed.refresh_from_db()
    if persona == "anonymous":
        assert {r.status_code for r in (row, download, retry)} == {302}
        assert failed.state == ExportJob.State.FAILED
    elif persona in ("officer", "platform_admin"):
        assert row.status_code == 200
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["X-Content-Type-Options"] == "nosniff"
        assert retry.status_code == 302
        assert failed.state == ExportJob.State.DONE
    else:
        assert (row.status_code, download.status_code, retry.status_code) == (404, 404, 404)
        assert failed.state == ExportJob.State.FAILED


def test_downloading_an_unfinished_export_returns_to_the_list(world: World) -> None:
    job = export_job_request(
        user=world.personas.officer, kind="bureau.enterprises", format="csv", filters={}
    )
    response = browser(world, "officer").get(f"/exports/{job.pk}/download/")
    assert response.status_code == 302 and response["Location"] == "/exports/"


def test_the_exports_page_costs_the_same_queries_for_2_and_22_jobs(world: World) -> None:
    client = browser(world, "officer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/exports/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        run_export(world.personas.officer, "bureau.enterprises")
    few = queries()
    ExportJob.objects.bulk_create(
        [
            ExportJob(requested_by=world.personas.officer, kind="bureau.enterprises", format="csv")
            for _ in range(20)
        ]
    )
    assert queries() == few
    assert "第 1 页，共 2 页" in client.get("/exports/").content.decode()


def test_the_navigation_links_officers_to_their_exports(world: World) -> None:
    assert 'href="/exports/"' in browser(world, "officer").get("/").content.decode()
    assert 'href="/exports/"' not in browser(world, "admin").get("/").content.decode()
