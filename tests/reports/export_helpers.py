"""Data and helpers shared by the export tests: enterprises with submitted assessments in
the officer's scope (Suzhou), in the other officer's (Wuxi) and outside both (Nanjing)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import TestCase
from django.utils import timezone
from openpyxl import load_workbook

from assessments.models import Assessment, FrameworkVersion
from enterprises.models import Enterprise
from reports.models import ExportJob
from reports.services.exports import export_job_request
from tests.conftest import Personas
from tests.factories import EnterpriseFactory
from tests.reports.conftest import BEST, LEVEL1, store_submitted

FORMULA_NAME = '=HYPERLINK("http://evil.example","点我")'


@dataclass
class World:
    personas: Personas
    framework: FrameworkVersion
    suzhou: list[Enterprise] = field(default_factory=list)
    wuxi: list[Enterprise] = field(default_factory=list)
    nanjing: list[Enterprise] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)


def when(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day} 10:30"))


@pytest.fixture
def world(
    personas: Personas, report_framework: FrameworkVersion, settings: Any, tmp_path: Path
) -> World:
    # Files of each test apart: job ids restart with every test database.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    w = World(personas=personas, framework=report_framework)
    kunshan = EnterpriseFactory(
        name=FORMULA_NAME, region_id="320583", industry_id="C38", employees=800
    )
    kunshan.clusters.add("new-power-equipment", "automobiles-parts")
    w.suzhou = [personas.enterprise, kunshan]
    w.wuxi = [personas.anchor_enterprise, EnterpriseFactory(name="无锡第二厂", region_id="320205")]
    w.nanjing = [personas.outsider_enterprise]
    w.assessments = [
        store_submitted(personas.enterprise, LEVEL1, submitted_at=when("2025-01-10")),
        store_submitted(personas.enterprise, BEST, submitted_at=when("2025-06-01")),
        store_submitted(
            kunshan,
            {"q_net": "none", "q_mes": False, "q_data": "some", "q_train": True},
            status=Assessment.Status.PENDING_REVIEW,
            submitted_at=when("2025-03-05"),
        ),
        store_submitted(w.wuxi[0], BEST, submitted_at=when("2025-02-02")),
        store_submitted(w.wuxi[1], LEVEL1, submitted_at=when("2025-02-03")),
        store_submitted(w.nanjing[0], BEST, submitted_at=when("2025-02-04")),
        # Returned for changes: superseded, never exported.
        store_submitted(
            kunshan, BEST, status=Assessment.Status.RETURNED, submitted_at=when("2025-02-01")
        ),
    ]
    return w


def run_export(user: Any, kind: str, fmt: str = "csv", **filters: Any) -> ExportJob:
    """Request an export and run it: the suite runs Celery eagerly, and the task is
    enqueued when the (test's) transaction commits, which this simulates."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = export_job_request(user=user, kind=kind, format=fmt, filters=filters)
    job.refresh_from_db()
    return job


def read_rows(job: ExportJob) -> list[list[Any]]:
    """The exported file as rows of values (CSV text; xlsx cell values)."""
    assert job.state == ExportJob.State.DONE, job.error
    path = Path(job.file.path)
    if job.format == "csv":
        text = path.read_bytes().decode("utf-8-sig")
        return [list(row) for row in csv.reader(io.StringIO(text))]
    book = load_workbook(path, read_only=True)
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows
