"""Builders shared by the supply-chain tests: links, requirements, certificates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from assessments.models import Assessment
from enterprises.models import Enterprise, SupplierLink
from reports.models import Certificate, SupplyRequirement
from reports.services import requirements as services
from tests.factories import EnterpriseFactory


def link(
    anchor: Enterprise,
    supplier: Enterprise | None = None,
    *,
    status: str = "accepted",
    tier: int = 1,
    tags: list[str] | None = None,
    parent: SupplierLink | None = None,
) -> SupplierLink:
    """A link of ``anchor`` to ``supplier`` (a new registered enterprise by default)."""
    supplier = supplier or EnterpriseFactory()
    return SupplierLink.objects.create(
        anchor=anchor,
        supplier=supplier,
        supplier_uscc=supplier.uscc,
        supplier_name=supplier.name,
        status=status,
        tier=tier,
        tags=tags or [],
        parent=parent,
    )


def requirement(
    anchor: Enterprise,
    *,
    framework: str = "report-fw",
    min_level: str = "L1",
    days: int = 30,
    **fields: Any,
) -> SupplyRequirement:
    """A requirement through the service, due in ``days`` days (negative: already passed,
    set beneath the service, which refuses a deadline in the past)."""
    found = services.supply_requirement_create(
        anchor=anchor,
        framework=framework,
        min_level=min_level,
        deadline=timezone.localdate() + dt.timedelta(days=max(days, 0)),
        **fields,
    )
    if days < 0:
        SupplyRequirement.objects.filter(pk=found.pk).update(
            deadline=timezone.localdate() + dt.timedelta(days=days)
        )
        found.refresh_from_db()
    return found


def certify(assessment: Assessment, *, status: str = "valid", days: int = 365) -> Certificate:
    """A certificate row for ``assessment`` (unsigned: only its status matters here)."""
    now = timezone.now()
    return Certificate.objects.create(
        assessment=assessment,
        enterprise=assessment.enterprise,
        framework=assessment.framework,
        serial=f"TEST-{assessment.pk}",
        enterprise_name=assessment.enterprise.name,
        framework_title="t",
        framework_version="1",
        level_code=assessment.confirmed_level_code or assessment.level_code,
        level_name="l",
        issued_at=now - dt.timedelta(days=1),
        expires_at=now + dt.timedelta(days=days),
        signature="x",
        key_fingerprint="x",
        status=status,
    )


def draft_of(enterprise: Enterprise, framework_code: str = "report-fw") -> Assessment:
    from assessments.services.assessments import assessment_start

    return assessment_start(enterprise=enterprise, framework_code=framework_code, user=None)
