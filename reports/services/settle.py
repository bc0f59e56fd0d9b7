"""What follows an assessment's submission or review: certificates and their PDFs,
plan items confirmed. Idempotent: safe to run any number of times for an assessment."""

from __future__ import annotations

import logging

from django.db.models import Exists, OuterRef

from assessments.models import Assessment
from reports.models import Certificate, GeneratedFile

from . import certificates, files, plans

logger = logging.getLogger(__name__)


def assessment_settle(*, assessment_id: int) -> Certificate | None:
    assessment = Assessment.objects.get(pk=assessment_id)
    if assessment.answers_snapshot is not None:
        plans.plan_items_confirm(assessment=assessment)
    certificate = certificates.certificate_issue(assessment_id=assessment_id)
    if certificate is not None:
        files.generated_file_request(
            kind=GeneratedFile.Kind.CERTIFICATE_PDF, object_id=certificate.pk
        )
    return certificate


def unsettled_assessments() -> list[int]:
    """Final assessments with a level but no certificate (a lost task, a broker outage)."""
    has_certificate = Certificate.objects.filter(assessment=OuterRef("pk"))
    return list(
        Assessment.objects.filter(
            status__in=[Assessment.Status.SUBMITTED, Assessment.Status.CONFIRMED]
        )
        .exclude(confirmed_level_code="")
        .filter(~Exists(has_certificate))
        .values_list("pk", flat=True)[:500]
    )
