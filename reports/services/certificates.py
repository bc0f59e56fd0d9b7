"""Certificates: issue exactly once, sign, supersede, revoke, verify."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment
from assessments.selectors import compiled_framework
from enterprises.audit import audit_record
from enterprises.errors import Conflict, ValidationFailed
from enterprises.models import AuditAction, User
from reports import signing
from reports.models import Certificate, SerialCounter

# Serial prefixes by framework; a framework without one uses its code's initials.
SERIAL_PREFIXES = {"smart-factory-gradient": "SFG", "sme-digital-level-2024": "SDL"}


def serial_prefix(framework_code: str) -> str:
    if framework_code in SERIAL_PREFIXES:
        return SERIAL_PREFIXES[framework_code]
    return "".join(part[:1] for part in framework_code.split("-")).upper()[:4] or "GR"


def next_serial(*, framework_code: str, year: int, region_code: str) -> str:
    """`SFG-2026-320505-000001`: prefix, year, region, sequence. Call inside a transaction.

    The counter row is locked for the increment, so two issuers never share a number;
    the unique constraint on Certificate.serial is the last line of defence.
    """
    prefix = f"{serial_prefix(framework_code)}-{year}-{region_code}"
    SerialCounter.objects.get_or_create(prefix=prefix)
    counter = SerialCounter.objects.select_for_update().get(prefix=prefix)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{counter.last:06d}"


def signed_fields(certificate: Certificate) -> dict[str, Any]:
    """Exactly what the signature covers: everything shown on verification."""
    return {
        "serial": certificate.serial,
        "enterprise_name": certificate.enterprise_name,
        "framework": certificate.framework.code,
        "framework_title": certificate.framework_title,
        "framework_version": certificate.framework_version,
        "level_code": certificate.level_code,
        "level_name": certificate.level_name,
        "issued_at": certificate.issued_at.isoformat(),
        "expires_at": certificate.expires_at.isoformat(),
    }


def level_for_certificate(assessment: Assessment) -> str:
    """The level a certificate states: the confirmed level, once final."""
    if assessment.status in (Assessment.Status.SUBMITTED, Assessment.Status.CONFIRMED):
        return assessment.confirmed_level_code
    return ""


@transaction.atomic
def certificate_issue(*, assessment_id: int) -> Certificate | None:
    """Issue the certificate of a final assessment that reached a level; idempotent.

    Returns the existing certificate when one was issued already (a task run twice, or
    two workers at once: the OneToOne constraint lets only one insert win), and None
    when the assessment has no final level.
    """
    existing = Certificate.objects.filter(assessment_id=assessment_id).first()
    if existing is not None:
        return existing
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .with_version()
        .select_related("enterprise")
        .get(pk=assessment_id)
    )
    level_code = level_for_certificate(assessment)
    if not level_code:
        return None
    existing = Certificate.objects.filter(assessment_id=assessment_id).first()
    if existing is not None:  # issued while we waited for the lock
        return existing
    framework = compiled_framework(assessment.framework_version)
    level = framework.level(level_code)
    now = timezone.now().replace(microsecond=0)
    certificate = Certificate(
        assessment=assessment,
        enterprise=assessment.enterprise,
        framework=assessment.framework,
        serial=next_serial(
            framework_code=assessment.framework.code,
            year=timezone.localtime(now).year,
            region_code=assessment.enterprise.region_id,
        ),
        enterprise_name=assessment.enterprise.name,
        framework_title=framework.title.get("zh-hans", ""),
        framework_version=assessment.framework_version.version,
        level_code=level_code,
        level_name=level.name.get("zh-hans", level_code),
        issued_at=now,
        expires_at=now + timedelta(days=settings.GRADIENT_CERTIFICATE_VALID_DAYS),
        key_fingerprint=signing.fingerprint(),
    )
    certificate.signature = signing.sign(signed_fields(certificate))
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        return Certificate.objects.get(assessment_id=assessment_id)
    Certificate.objects.filter(
        enterprise=assessment.enterprise,
        framework=assessment.framework,
        status=Certificate.Status.VALID,
    ).exclude(pk=certificate.pk).update(status=Certificate.Status.SUPERSEDED, status_changed_at=now)
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, user: User, reason: str) -> Certificate:
    """Revoke a valid or superseded certificate for `reason`; audited as certificate.revoked.

    Raises Conflict when it is revoked already.
    """
    if not reason.strip():
        raise ValidationFailed(
            _("Give the reason for the revocation."),
            errors={"reason": [_("A reason is required.")]},
        )
    updated = Certificate.objects.filter(
        pk=certificate.pk, status__in=[Certificate.Status.VALID, Certificate.Status.SUPERSEDED]
    ).update(
        status=Certificate.Status.REVOKED,
        revoked_reason=reason.strip(),
        revoked_by=user,
        status_changed_at=timezone.now(),
    )
    if not updated:
        raise Conflict(_("This certificate is already revoked."))
    certificate.refresh_from_db()
    audit_record(
        action=AuditAction.CERTIFICATE_REVOKED,
        actor=user,
        target=certificate,
        enterprise=certificate.enterprise_id,
        details={
            "serial": certificate.serial,
            "level": certificate.level_code,
            "reason": certificate.revoked_reason,
        },
    )
    return certificate


@dataclass(frozen=True)
class Verification:
    certificate: Certificate
    status: str  # valid | expired | revoked | superseded
    signature_valid: bool


def certificate_verify(certificate: Certificate) -> Verification:
    """The public verdict: the stored status, expiry by date, and the signature check."""
    status = certificate.status
    if status == Certificate.Status.VALID and certificate.expires_at <= timezone.now():
        status = "expired"
    return Verification(
        certificate=certificate,
        status=status,
        signature_valid=signing.verify(signed_fields(certificate), certificate.signature),
    )
