"""Two tenants with one of everything, for the permission matrix.

`own` is the personas' enterprise (Suzhou); `other` is the outsider enterprise
(Nanjing). Each holds a settled assessment with a certificate and an adopted plan
item, one awaiting review, a draft with an answer and an evidence file, a member, and a
supplier link in which it is the supplier (accepted for `own`, invited for `other`).
`own` has also shared its settled assessment with that anchor, so the anchor persona
reads it (and only it: the assessment awaiting review stays unshared) while `other`,
which never consented, shows it nothing.
Everything is made through the services, as users would make it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Evidence
from assessments.services.assessments import answer_save, assessment_start, assessment_submit
from assessments.services.evidence import evidence_attach
from assessments.services.shares import assessment_share
from enterprises.errors import ValidationFailed
from enterprises.models import (
    Enterprise,
    Membership,
    SupplierImportRejection,
    SupplierLink,
    User,
)
from enterprises.services_supply import (
    reminder_opt_out_token,
    supplier_import_rejection_record,
    supplier_link_accept,
)
from reports.models import Certificate, ExportJob, PlanItem, SupplyRequirement
from reports.services.certificates import certificate_issue
from reports.services.exports import export_job_request, export_job_run
from reports.services.plans import plan_item_adopt
from reports.services.requirements import supply_requirement_create
from tests.factories import valid_uscc

DRAFT_FRAMEWORK = "sme-digital-level-2024"
DRAFT_KEY = "q1_network"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Tenant:
    enterprise: Enterprise
    admin: User
    settled: Assessment
    pending: Assessment
    draft: Assessment
    evidence: Evidence
    certificate: Certificate
    plan_item: PlanItem
    member: Membership
    link: SupplierLink  # a link in which this enterprise is the supplier
    rejection: SupplierImportRejection  # a bulk import its admin uploaded and saw rejected
    anchored: SupplierLink  # a link in which this enterprise is the anchor
    requirement: SupplyRequirement  # what this enterprise, as an anchor, requires
    export_job: ExportJob | None  # a finished export by the officer of this tenant's region

    def url(self, name: str, target: str) -> str:
        """The URL of route `name` pointing at this tenant's `target` object."""
        kwargs = dict(ROUTE_KWARGS[target](self))
        query = str(kwargs.pop("?", ""))
        return reverse(name, kwargs=kwargs) + query


def _assess(
    enterprise: Enterprise, user: User, answers: dict[str, object], framework: str = "test-fw"
) -> Assessment:
    assessment = assessment_start(enterprise=enterprise, framework_code=framework, user=user)
    for key, value in answers.items():
        answer_save(
            assessment=assessment, user=user, question_key=key, value=value, base_revision=0
        )
    return assessment


def build_tenant(
    enterprise: Enterprise,
    admin: User,
    *,
    anchor: Enterprise,
    accepted: bool,
    officer: User | None = None,
) -> Tenant:
    settled = _assess(enterprise, admin, {"q_net": "full", "q_mes": False})
    settled = assessment_submit(assessment=settled, user=admin, pledge=True)
    certificate = certificate_issue(assessment_id=settled.pk)
    assert certificate is not None
    plan_item, _ = plan_item_adopt(assessment=settled, question_key="q_mes")
    pending = _assess(enterprise, admin, {"q_net": "full", "q_mes": True})
    pending = assessment_submit(assessment=pending, user=admin, pledge=True)
    assert pending.status == Assessment.Status.PENDING_REVIEW
    # test-fw has an assessment awaiting review, so the draft is of the shipped SME framework.
    draft = _assess(enterprise, admin, {DRAFT_KEY: ["none"]}, framework=DRAFT_FRAMEWORK)
    evidence = evidence_attach(
        assessment=draft,
        user=admin,
        question_key=DRAFT_KEY,
        upload=SimpleUploadedFile("network.pdf", PDF_BYTES, "application/pdf"),
    )
    link, _ = SupplierLink.objects.update_or_create(
        anchor=anchor,
        supplier_uscc=enterprise.uscc,
        defaults={
            "supplier": enterprise,
            "supplier_name": enterprise.name,
            "status": SupplierLink.Status.INVITED,
        },
    )
    if accepted:
        # Consent, then the one thing consent alone does not open: this assessment's
        # answers, shared with the anchor from the assessment's page.
        link = supplier_link_accept(link=link, actor=admin)
        assessment_share(assessment=settled, link=link, user=admin)
    member = Membership.objects.filter(enterprise=enterprise).exclude(user=admin).first() or (
        Membership.objects.get(enterprise=enterprise, user=admin)
    )
    rejection = supplier_import_rejection_record(
        anchor=enterprise,
        user=admin,
        error=ValidationFailed("bad file", errors={"file": ["bad"]}),
        filename="suppliers.xlsx",
    )
    anchored = SupplierLink.objects.create(
        anchor=enterprise,
        supplier_uscc=valid_uscc(enterprise.region_id),
        supplier_name=f"{enterprise.name}的供应商",
        status=SupplierLink.Status.INVITED,
    )
    requirement = supply_requirement_create(
        anchor=enterprise,
        framework="test-fw",
        min_level="L1",
        deadline=timezone.localdate() + dt.timedelta(days=90),
    )
    export_job = None
    if officer is not None:
        export_job = export_job_request(
            user=officer, kind="bureau.enterprises", format="csv", filters={}
        )
        export_job_run(job_id=export_job.pk)
    return Tenant(
        enterprise=enterprise,
        admin=admin,
        settled=settled,
        pending=pending,
        draft=draft,
        evidence=evidence,
        certificate=certificate,
        plan_item=plan_item,
        member=member,
        link=link,
        rejection=rejection,
        anchored=anchored,
        requirement=requirement,
        export_job=export_job,
    )


def _enterprise(t: Tenant) -> dict[str, object]:
    return {"pk": t.enterprise.pk}


ROUTE_KWARGS = {
    "enterprise": _enterprise,
    "member": lambda t: {"pk": t.enterprise.pk, "member_pk": t.member.pk},
    "settled": lambda t: {"pk": t.settled.pk},
    "pending": lambda t: {"pk": t.pending.pk},
    "draft": lambda t: {"pk": t.draft.pk},
    "draft_answer": lambda t: {"pk": t.draft.pk, "key": DRAFT_KEY},
    "draft_evidence": lambda t: {"pk": t.draft.pk, "evidence_pk": t.evidence.pk},
    "evidence": lambda t: {"pk": t.evidence.pk},
    "plan_item": lambda t: {"pk": t.plan_item.pk},
    "link": lambda t: {"pk": t.link.pk},
    "settled_link": lambda t: {"pk": t.settled.pk, "link": t.link.pk},
    "settled_link_pk": lambda t: {"pk": t.settled.pk, "link_pk": t.link.pk},
    "import_rejection": lambda t: {"pk": t.enterprise.pk, "token": t.rejection.pk},
    "opt_out": lambda t: {"token": reminder_opt_out_token(t.enterprise.uscc)},
    "enterprise_framework": lambda t: {"pk": t.enterprise.pk, "?": "?framework=test-fw"},
    "anchored_link": lambda t: {"pk": t.enterprise.pk, "link_pk": t.anchored.pk},
    "anchored_link_api": lambda t: {"pk": t.anchored.pk},
    "requirement": lambda t: {
        "pk": t.enterprise.pk,
        "requirement_pk": t.requirement.pk,
        "?": "?framework=test-fw",
    },
    "requirement_api": lambda t: {"pk": t.requirement.pk},
    "serial": lambda t: {"serial": t.certificate.serial},
    "framework": lambda t: {"code": "test-fw"},
    "framework_version": lambda t: {"code": "test-fw", "version": "1"},
    "export_job": lambda t: {"pk": t.export_job.pk if t.export_job else 0},
    "export_kind": lambda t: {"kind": "bureau.enterprises"},
    "none": lambda t: {},
}


def build_tenants(personas: Any) -> tuple[Tenant, Tenant]:
    """The personas' two tenants: "own" is the Suzhou firm (its customer, the anchor, was
    accepted; its export jobs are the Suzhou officer's), "other" the Nanjing firm (the
    anchor's request pending; export jobs of the Wuxi officer)."""
    own = build_tenant(
        personas.enterprise,
        personas.admin,
        anchor=personas.anchor_enterprise,
        accepted=True,
        officer=personas.officer,
    )
    other = build_tenant(
        personas.outsider_enterprise,
        personas.outsider,
        anchor=personas.anchor_enterprise,
        accepted=False,
        officer=personas.other_officer,
    )
    return own, other
