"""More rows of every kind a page or an API list could show, for both tenants of the
permission matrix's world (tests/security/world.py).

`grow(world)` adds, for each tenant and around it: members, and the administrator's
membership of another enterprise; assessment history on the world's framework
(submitted, certified, revoked, below the first level); answers, revisions and evidence
on the draft; evidence on the assessment awaiting review; a settled assessment of a
larger framework with adopted plan items, and returned ones; customers (anchors) that
invited the tenant (accepted, with the settled assessment shared; declined; revoked;
waiting) with their requirements; suppliers of its own (registered and assessed,
accepted, tagged, sharing, with drafts; one tier down; declined; revoked; not yet
registered) and requirements for them; exports (done, failed, queued). Around the
tenants: enterprises with settled results and assessments awaiting review in and out
of the bureaus' scopes (suppliers of the personas' anchor), audit events, reminders,
analytics snapshots of one more past quarter, and a new version of the framework.

Each round adds about one of each, through the services as users would make them (two
states the services cannot reach from today's world are set directly, and named so),
so that a page's query count can be compared between a world after round 1 and one
after round 3.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.models import Answer, Assessment, FrameworkVersion
from assessments.selectors import compiled_framework
from assessments.services.assessments import (
    answer_save,
    assessment_review,
    assessment_start,
    assessment_submit,
)
from assessments.services.evidence import evidence_attach
from assessments.services.frameworks import framework_import
from assessments.services.shares import assessment_share
from enterprises import services as enterprise_services
from enterprises.audit import audit_record
from enterprises.models import AuditAction, Enterprise, Role, SupplierLink, User
from enterprises.services_supply import (
    reminder_preference_set,
    supplier_invite,
    supplier_link_accept,
    supplier_link_decline,
    supplier_link_revoke,
    supplier_link_update,
)
from reports.analytics.snapshots import analytics_snapshots_build_all
from reports.models import Certificate, ExportJob, PlanItem
from reports.services.certificates import certificate_issue, certificate_revoke
from reports.services.exports import export_job_give_up, export_job_request, export_job_run
from reports.services.plans import assessment_plan, plan_item_adopt, plan_item_update
from reports.services.reminders import supplier_reminders_claim
from reports.services.requirements import supply_requirement_create
from tests.assessments.helpers import MINIMAL_YAML, best_answers, shipped_doc
from tests.factories import valid_uscc
from tests.security.world import DRAFT_KEY, PDF_BYTES, Tenant

PASSWORD = "pw-Gradient-2026"
LEVEL1 = {"q_net": "full", "q_mes": False}  # test-fw: submitted at L1, no review
LEVEL2 = {"q_net": "full", "q_mes": True}  # test-fw: L2 waits for review
BELOW = {"q_net": "none", "q_mes": False}  # test-fw: submitted below L1
RICH_FRAMEWORK = "smart-factory-gradient"
SUZHOU = ("320505", "320506", "320583")  # in the (own) officer's scope
CLUSTERS = (["iot"], ["iot", "new-power-equipment"], [])


@dataclass
class World:
    """The matrix's two tenants, the personas, and what growing them keeps track of."""

    own: Tenant
    other: Tenant
    personas: Any  # tests.conftest.Personas
    rich: dict[int, Assessment] = field(default_factory=dict)  # enterprise pk -> settled
    made: int = 0  # a counter for unique names
    rounds: int = 0

    def name(self, what: str) -> str:
        self.made += 1
        return f"grow-{what}-{self.made}"


def _register(
    world: World, region: str, clusters: list[str] | None = None
) -> tuple[User, Enterprise]:
    """A new enterprise with its administrator, registered as a person would."""
    username = world.name("user")
    user, enterprise, _token = enterprise_services.enterprise_register(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.com",
        name=f"增长测试企业{world.made:03d}",
        uscc=valid_uscc(region),
        region_code=region,
        industry_code="C34",
        employees=80 + world.made,
        revenue_10k_yuan=Decimal("3000"),
        cluster_codes=clusters or [],
    )
    return user, enterprise


def _assess(enterprise: Enterprise, user: User, answers: dict[str, Any], code: str = "test-fw"):
    assessment = assessment_start(enterprise=enterprise, framework_code=code, user=user)
    for key, value in answers.items():
        answer_save(
            assessment=assessment, user=user, question_key=key, value=value, base_revision=0
        )
    return assessment


def _settled(enterprise: Enterprise, user: User, answers: dict[str, Any] = LEVEL1) -> Assessment:
    """A submitted test-fw assessment with its certificate (when it has a level)."""
    assessment = assessment_submit(
        assessment=_assess(enterprise, user, answers), user=user, pledge=True
    )
    if assessment.level_code:
        certificate_issue(assessment_id=assessment.pk)
    return assessment


def _pending(enterprise: Enterprise, user: User) -> Assessment:
    assessment = _assess(enterprise, user, LEVEL2)
    evidence_attach(
        assessment=assessment,
        user=user,
        question_key="q_net",
        upload=SimpleUploadedFile("pending.pdf", PDF_BYTES, "application/pdf"),
    )
    return assessment_submit(assessment=assessment, user=user, pledge=True)


@contextmanager
def _status_while(assessment: Assessment, status: str) -> Iterator[None]:
    """Give an assessment another status for a while, then its own back: set aside
    (returned), the services start another one on its framework (they allow one open
    assessment per framework); reopened (draft), they attach evidence to it."""
    own = Assessment.objects.filter(pk=assessment.pk).values_list("status", flat=True).get()
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    yield
    Assessment.objects.filter(pk=assessment.pk).update(status=own)


def _worse_answers(code: str) -> dict[str, Any]:
    """Every question answered, the best answer for half of them and the worst for the
    other half, so that the plan holds many steps."""
    framework = compiled_framework(FrameworkVersion.objects.latest_published(code))
    best = best_answers(shipped_doc(code))
    answers = dict(best)
    for index, (key, question) in enumerate(framework.questions.items()):
        if index % 2 or key not in best:
            continue
        if question.type == "single":
            answers[key] = min(question.options, key=lambda o: o.score).value
        elif question.type == "multi":
            answers[key] = [min(question.options, key=lambda o: o.score).value]
        elif question.type == "boolean":
            answers[key] = question.score_true < question.score_false
        elif question.type == "scene_level":
            answers[key] = 1
    return answers


def _rich(world: World, tenant: Tenant) -> Assessment:
    """A settled assessment of the larger shipped framework, made once per tenant."""
    enterprise = tenant.enterprise
    if enterprise.pk not in world.rich:
        assessment = _assess(
            enterprise, tenant.admin, _worse_answers(RICH_FRAMEWORK), RICH_FRAMEWORK
        )
        assessment = assessment_submit(assessment=assessment, user=tenant.admin, pledge=True)
        if assessment.status == Assessment.Status.PENDING_REVIEW:
            assessment = assessment_review(
                assessment=assessment,
                reviewer=world.personas.assessor,
                decision="confirm",
                comment="",
            )
        world.rich[enterprise.pk] = assessment
    return world.rich[enterprise.pk]


def _adopt_more(world: World, tenant: Tenant, how_many: int) -> None:
    """Adopt `how_many` more plan items from the tenant's rich assessment, one of them
    under way and one done."""
    rich = _rich(world, tenant)
    planned = assessment_plan(assessment=rich)
    keys = [
        step.question_key for step in planned.plan.items if step.question_key not in planned.adopted
    ]
    statuses = [PlanItem.Status.PLANNED, PlanItem.Status.IN_PROGRESS, PlanItem.Status.DONE]
    for key, status in zip(keys[:how_many], statuses, strict=False):
        item, _created = plan_item_adopt(
            assessment=rich,
            question_key=key,
            owner=f"负责人{world.made}",
            due_date=timezone.localdate() + dt.timedelta(days=30),
        )
        plan_item_update(item=item, status=status)


def _returned(world: World, tenant: Tenant) -> None:
    """One more assessment of the larger framework returned by its reviewer; the draft
    the return opens is the next round's one to submit."""
    enterprise, admin = tenant.enterprise, tenant.admin
    draft = Assessment.objects.filter(
        enterprise=enterprise, framework__code=RICH_FRAMEWORK, status=Assessment.Status.DRAFT
    ).first()
    if draft is None:
        draft = _assess(
            enterprise, admin, best_answers(shipped_doc(RICH_FRAMEWORK)), RICH_FRAMEWORK
        )
    submitted = assessment_submit(assessment=draft, user=admin, pledge=True)
    assert submitted.status == Assessment.Status.PENDING_REVIEW
    assessment_review(
        assessment=submitted,
        reviewer=world.personas.assessor,
        decision="return",
        comment=world.name("请补充证明材料"),
    )


def _customer(world: World, tenant: Tenant) -> SupplierLink:
    """A new registered anchor firm that invited the tenant."""
    customer_admin, customer = _register(world, "320214")
    supply_requirement_create(
        anchor=customer,
        framework="test-fw",
        min_level="L1",
        deadline=timezone.localdate() + dt.timedelta(days=20),
        user=customer_admin,
    )
    return supplier_invite(
        anchor=customer, uscc=tenant.enterprise.uscc, name=tenant.enterprise.name
    )


def _grow_tenant(world: World, tenant: Tenant, officer: User | None) -> None:
    enterprise, admin = tenant.enterprise, tenant.admin
    # Members, and the administrator's membership of another enterprise.
    username = world.name("member")
    enterprise_services.membership_add(
        enterprise=enterprise,
        username=username,
        role=Role.EDITOR if world.made % 2 else Role.VIEWER,
        email=f"{username}@example.com",
        password=PASSWORD,
        actor=admin,
    )
    _user, sister = _register(world, enterprise.region_id)
    enterprise_services.membership_add(
        enterprise=sister, username=admin.username, role=Role.VIEWER, actor=_user
    )
    # History on the world's framework: certified, one below the first level too.
    with _status_while(tenant.pending, Assessment.Status.RETURNED):
        certified = _settled(enterprise, admin, LEVEL1)
        _settled(enterprise, admin, BELOW)
        _settled(enterprise, admin, LEVEL1)
    certificate_revoke(
        certificate=Certificate.objects.get(assessment=certified),
        user=world.personas.platform_admin,
        reason="证据不实",
    )
    # The draft: more answers, more revisions of the matrix's answer, more evidence.
    best = best_answers(shipped_doc(tenant.draft.framework.code))
    current = Answer.objects.get(assessment=tenant.draft, question_key=DRAFT_KEY).revision
    answer_save(
        assessment=tenant.draft,
        user=admin,
        question_key=DRAFT_KEY,
        value=best[DRAFT_KEY] if current % 2 else ["none"],
        base_revision=current,
    )
    unanswered = [
        key
        for key in best
        if not Answer.objects.filter(assessment=tenant.draft, question_key=key).exists()
    ]
    for key in unanswered[:3]:
        answer_save(
            assessment=tenant.draft, user=admin, question_key=key, value=best[key], base_revision=0
        )
    evidence_attach(
        assessment=tenant.draft,
        user=admin,
        question_key=DRAFT_KEY,
        upload=SimpleUploadedFile(f"{world.name('evidence')}.pdf", PDF_BYTES, "application/pdf"),
    )
    # Evidence on the assessment awaiting review, as if attached while it was a draft.
    with _status_while(tenant.pending, Assessment.Status.DRAFT):
        evidence_attach(
            assessment=tenant.pending,
            user=admin,
            question_key="q_mes",
            upload=SimpleUploadedFile(
                f"{world.name('evidence')}.pdf", PDF_BYTES, "application/pdf"
            ),
        )
    # Plan items from a larger framework.
    _adopt_more(world, tenant, 3)
    _returned(world, tenant)
    # Customers that invited the tenant: one accepted (and the tenant shared its
    # result), one declined, one accepted and then revoked, one waiting.
    link = supplier_link_accept(link=_customer(world, tenant), actor=admin)
    assessment_share(assessment=tenant.settled, link=link, user=admin)
    supplier_link_decline(link=_customer(world, tenant), actor=admin)
    revoked = supplier_link_accept(link=_customer(world, tenant), actor=admin)
    supplier_link_revoke(link=revoked, actor=admin)
    _customer(world, tenant)
    # Suppliers of the tenant's own: registered, assessed, accepted, labelled, sharing;
    # one with a draft only; one not registered yet.
    accepted = []
    for index, answers in enumerate((LEVEL1, BELOW)):
        supplier_admin, supplier = _register(world, SUZHOU[index % len(SUZHOU)])
        settled = _settled(supplier, supplier_admin, answers)
        _assess(supplier, supplier_admin, {"q1_network": ["none"]}, "sme-digital-level-2024")
        own_link = supplier_invite(anchor=enterprise, uscc=supplier.uscc, name=supplier.name)
        own_link = supplier_link_accept(link=own_link, actor=supplier_admin)
        supplier_link_update(link=own_link, tags=["关键", f"批次{world.made}"], tier=1)
        assessment_share(assessment=settled, link=own_link, user=supplier_admin)
        accepted.append(own_link)
    # Their own suppliers, one tier down; a supplier that declined, one that revoked.
    second_admin, second = _register(world, "320214")
    _settled(second, second_admin, LEVEL1)
    child = supplier_invite(
        anchor=enterprise, uscc=second.uscc, name=second.name, parent_id=accepted[0].pk
    )
    supplier_link_accept(link=child, actor=second_admin)
    for decide in (supplier_link_decline, supplier_link_revoke):
        other_admin, other = _register(world, SUZHOU[1])
        _settled(other, other_admin, LEVEL1)
        other_link = supplier_invite(anchor=enterprise, uscc=other.uscc, name=other.name)
        if decide is supplier_link_revoke:
            other_link = supplier_link_accept(link=other_link, actor=other_admin)
        decide(link=other_link, actor=other_admin)
    _draft_admin, draft_only = _register(world, SUZHOU[0])
    _assess(draft_only, _draft_admin, {"q_net": "full"})
    supplier_invite(anchor=enterprise, uscc=draft_only.uscc, name=draft_only.name)
    supplier_invite(
        anchor=enterprise,
        uscc=valid_uscc("320505"),
        name=world.name("未注册供应商"),
        contact_email=f"{world.name('contact')}@example.com",
    )
    supply_requirement_create(
        anchor=enterprise,
        framework="test-fw",
        min_level="L2",
        deadline=timezone.localdate() + dt.timedelta(days=10),
        group="tag",
        tag="关键",
        user=admin,
    )
    reminder_preference_set(enterprise=enterprise, enabled=True, language="en")
    # Exports: the administrator's of its suppliers; the officer's, done, failed and one
    # left queued (the previous round's then runs: an officer may have five in flight).
    job = export_job_request(
        user=admin, kind="anchor.suppliers", format="xlsx", filters={"anchor": str(enterprise.pk)}
    )
    export_job_run(job_id=job.pk)
    if officer is not None:
        for queued in ExportJob.objects.filter(requested_by=officer).in_flight():
            export_job_run(job_id=queued.pk)
        job = export_job_request(user=officer, kind="bureau.enterprises", format="csv", filters={})
        export_job_run(job_id=job.pk)
        failed = export_job_request(
            user=officer, kind="bureau.enterprises", format="xlsx", filters={}
        )
        export_job_give_up(job_id=failed.pk)
        export_job_request(
            user=officer, kind="bureau.assessments", format="xlsx", filters={"framework": "test-fw"}
        )


def _grow_scopes(world: World) -> None:
    """More enterprises in the officers' scopes (and outside them), settled or pending;
    the personas' anchor gets them as suppliers."""
    personas = world.personas
    for region, clusters in zip((*SUZHOU, "320214", "320115"), (*CLUSTERS, [], []), strict=True):
        admin, enterprise = _register(world, region, clusters)
        _settled(enterprise, admin, LEVEL1 if world.made % 2 else BELOW)
        _pending(enterprise, admin)
        link = supplier_invite(
            anchor=personas.anchor_enterprise, uscc=enterprise.uscc, name=enterprise.name
        )
        supplier_link_accept(link=link, actor=admin)
    audit_record(
        action=AuditAction.SIGN_IN_SUCCEEDED,
        actor=personas.admin,
        enterprise=personas.enterprise,
    )
    audit_record(action=AuditAction.SIGN_IN_FAILED, actor=None, actor_username=world.name("who"))
    supplier_reminders_claim()
    # This quarter's snapshots, and one more quarter back each round.
    analytics_snapshots_build_all(now=None)
    analytics_snapshots_build_all(now=timezone.now() - dt.timedelta(days=92 * world.rounds))


def grow(world: World) -> None:
    """One round: about one more row of every kind, for both tenants and the scopes."""
    world.rounds += 1
    personas = world.personas
    _grow_tenant(world, world.own, personas.officer)
    _grow_tenant(world, world.other, personas.other_officer)
    _grow_scopes(world)
    # A new version of the world's framework: what the next round makes is on it, what
    # was made stays on the older ones (which pages then name from their documents).
    framework_import(
        source=MINIMAL_YAML.replace('version: "1"', f'version: "{1 + world.rounds}"'),
        publish=True,
    )
