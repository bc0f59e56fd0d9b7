"""Each supplier link's facts as one audience may know them, loaded in bulk.

Consent is absolute. For the anchor firm (``audience="anchor"``) only an accepted link
is *shared*: its supplier's attested results, drafts, submissions and certificates
are loaded and checked against the anchor's requirements. Any other link yields its
own status and the anchor's own labels (tier, tags) and nothing else: no assessment
of its supplier is even read. The supplier itself (``audience="supplier"``) sees what
its invited and accepted links ask of it, checked against its own results.

``supply_facts`` does a fixed number of queries (six at most) whatever the number of
links, so pages, the dashboard, the API and a Celery task share one loader.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count, Func, JSONField, QuerySet
from django.utils import timezone

from assessments import scoring
from assessments.models import Assessment, FrameworkVersion
from assessments.presenters import tr
from assessments.selectors import compiled_framework
from enterprises.models import SupplierLink

from .. import requirements
from ..models import Certificate, SupplyRequirement
from ..requirements import Check

Audience = Literal["anchor", "supplier"]

# Which link statuses let each audience see the supplier's results.
SHARED_WITH: dict[str, frozenset[str]] = {
    "anchor": frozenset({SupplierLink.Status.ACCEPTED}),
    "supplier": frozenset({SupplierLink.Status.ACCEPTED, SupplierLink.Status.INVITED}),
}
COUNTED = frozenset(
    {
        Assessment.Status.SUBMITTED,
        Assessment.Status.PENDING_REVIEW,
        Assessment.Status.CONFIRMED,
    }
)


@dataclass(frozen=True, slots=True)
class FrameworkInfo:
    """A framework as its latest published (else latest retired) version describes it."""

    id: int
    code: str
    compiled: scoring.Framework
    ranks: dict[str, int]

    @property
    def title(self) -> str:
        return tr(self.compiled.title)

    def level_name(self, code: str | None) -> str:
        if not code:
            return tr(self.compiled.no_level_name)
        for level in self.compiled.levels:
            if level.code == code:
                return tr(level.name)
        return code

    def scored_dimensions(self) -> list[tuple[str, str]]:
        """(key, localised name) of the dimensions that carry points, in order."""
        return [(d.key, tr(d.name)) for d in self.compiled.dimensions if d.maximum > 0]

    def dimension_name(self, key: str) -> str:
        for dimension in self.compiled.dimensions:
            if dimension.key == key:
                return tr(dimension.name)
        return key


@dataclass(frozen=True, slots=True)
class Attested:
    """One attested result (a settled self-assessment or a review's confirmation)."""

    assessment_id: int
    framework_id: int
    submitted_at: dt.datetime
    level: str | None
    total: Decimal | None
    percents: dict[str, Decimal]


@dataclass(slots=True)
class LinkFacts:
    """One link and what its audience may know through it.

    For a link that is not ``shared`` every supplier-side field stays empty and
    ``status`` is the link's own status.
    """

    id: int
    anchor_id: int
    anchor_name: str
    supplier_id: int | None
    link_status: str
    tier: int
    tags: list[str]
    parent_id: int | None
    name: str
    uscc: str
    shared: bool
    requirements: list[SupplyRequirement] = field(default_factory=list)
    checks: list[tuple[SupplyRequirement, Check]] = field(default_factory=list)
    attested: dict[int, list[Attested]] = field(default_factory=dict)  # oldest first
    drafting: set[int] = field(default_factory=set)  # framework ids with an open draft
    counted: set[int] = field(default_factory=set)  # ... with a submitted assessment
    certified: set[int] = field(default_factory=set)  # ... with a valid certificate
    status: str = ""

    def latest(self, framework_id: int) -> Attested | None:
        found = self.attested.get(framework_id)
        return found[-1] if found else None

    @property
    def unmet(self) -> list[tuple[SupplyRequirement, Check]]:
        return [(r, c) for r, c in self.checks if not c.met]


@dataclass(slots=True)
class SupplyFacts:
    links: list[LinkFacts]
    requirements: list[SupplyRequirement]  # every requirement of the anchors concerned
    frameworks: dict[int, FrameworkInfo]
    today: dt.date


def framework_infos(framework_ids: Iterable[int] | None = None) -> dict[int, FrameworkInfo]:
    """FrameworkInfo of each framework with a published or retired version (all of
    them, or those in ``framework_ids``): one query; compiled forms are cached."""
    versions = (
        FrameworkVersion.objects.exclude(status=FrameworkVersion.Status.DRAFT)
        .select_related("framework")
        .defer("source")
        .order_by("framework_id", "-published_at", "-id")
    )
    if framework_ids is not None:
        versions = versions.filter(framework_id__in=list(framework_ids))
    chosen: dict[int, FrameworkVersion] = {}
    # Narrow first (no documents), then the chosen versions' documents only when the
    # compiled cache does not have them.
    for version in versions.defer("definition"):
        current = chosen.get(version.framework_id)
        published = FrameworkVersion.Status.PUBLISHED
        if current is None or (current.status != published and version.status == published):
            chosen[version.framework_id] = version
    infos: dict[int, FrameworkInfo] = {}
    for framework_id, version in chosen.items():
        compiled = compiled_framework(version)
        infos[framework_id] = FrameworkInfo(
            id=framework_id,
            code=version.framework.code,
            compiled=compiled,
            ranks=requirements.level_ranks(level.code for level in compiled.levels),
        )
    return infos


def _link_rows(
    links: QuerySet[SupplierLink] | Iterable[SupplierLink],
) -> tuple[QuerySet[SupplierLink], list[Any]]:
    """The links' narrow rows, and a queryset usable as a subquery over the same links."""
    if not isinstance(links, QuerySet) or links.query.is_sliced:
        links = SupplierLink.objects.filter(pk__in=[link.pk for link in links])
    rows = list(
        links.order_by()
        .values(
            "id",
            "anchor_id",
            "anchor__name",
            "supplier_id",
            "supplier__name",
            "supplier_name",
            "supplier_uscc",
            "status",
            "tier",
            "tags",
            "parent_id",
        )
        .order_by("tier", "supplier_name", "id")
    )
    return links, rows


def supply_facts(
    links: QuerySet[SupplierLink] | Iterable[SupplierLink],
    *,
    today: dt.date | None = None,
    audience: Audience = "anchor",
    anchor_id: int | None = None,
) -> SupplyFacts:
    """The facts of ``links`` (a queryset, or links whose ids are used) for ``audience``,
    in the order tier, name. Six queries at most, whatever the number of links.

    ``today`` (default: the local date) dates the requirement checks. ``requirements``
    holds those of the links' anchors, and of ``anchor_id`` even without any link.
    """
    today = today or timezone.localdate()
    shared_statuses = SHARED_WITH[audience]
    links_qs, rows = _link_rows(links)
    facts = [
        LinkFacts(
            id=row["id"],
            anchor_id=row["anchor_id"],
            anchor_name=row["anchor__name"],
            supplier_id=row["supplier_id"],
            link_status=row["status"],
            tier=row["tier"],
            tags=[str(tag) for tag in row["tags"] or []],
            parent_id=row["parent_id"],
            name=row["supplier__name"] or row["supplier_name"],
            uscc=row["supplier_uscc"],
            shared=row["status"] in shared_statuses and row["supplier_id"] is not None,
        )
        for row in rows
    ]
    anchor_ids = {f.anchor_id for f in facts} | ({anchor_id} if anchor_id is not None else set())
    all_requirements = (
        list(
            SupplyRequirement.objects.filter(anchor_id__in=anchor_ids)
            .select_related("framework")
            .order_by("deadline", "id")
        )
        if anchor_ids
        else []
    )
    by_anchor: dict[int, list[SupplyRequirement]] = defaultdict(list)
    for requirement in all_requirements:
        by_anchor[requirement.anchor_id].append(requirement)
    for fact in facts:
        fact.requirements = [
            r
            for r in by_anchor.get(fact.anchor_id, [])
            if requirements.applies(r, tier=fact.tier, tags=fact.tags)
        ]
    frameworks = framework_infos()

    shared = [f for f in facts if f.shared]
    if shared:
        # Consent is enforced here: only the suppliers of shared links are read at all.
        suppliers = links_qs.filter(status__in=shared_statuses, supplier__isnull=False).values(
            "supplier_id"
        )
        _load_supplier_side(shared, suppliers, frameworks)

    for fact in facts:
        if fact.shared:
            fact.checks = [(r, _check(r, fact, frameworks, today)) for r in fact.requirements]
            wanted = {r.framework_id for r in fact.requirements}

            def relevant(ids: set[int], wanted: set[int] = wanted) -> bool:
                return bool(ids & wanted) if wanted else bool(ids)

            fact.status = requirements.supply_status(
                fact.link_status,
                checks=[c for _r, c in fact.checks],
                drafting=relevant(fact.drafting),
                counted=relevant(fact.counted),
                certified=relevant(fact.certified),
            )
        else:
            fact.status = fact.link_status
    return SupplyFacts(
        links=facts, requirements=all_requirements, frameworks=frameworks, today=today
    )


def _check(
    requirement: SupplyRequirement,
    fact: LinkFacts,
    frameworks: dict[int, FrameworkInfo],
    today: dt.date,
) -> Check:
    """``requirement`` checked against the link's latest attested result."""
    info = frameworks.get(requirement.framework_id)
    found = fact.latest(requirement.framework_id)
    return requirements.check(
        requirement,
        level_ranks=info.ranks if info else {},
        level=found.level if found else None,
        percents=found.percents if found else None,
        today=today,
    )


def _load_supplier_side(
    shared: list[LinkFacts], suppliers: Any, frameworks: dict[int, FrameworkInfo]
) -> None:
    """Stages, certificates and attested results of the shared links' suppliers: three
    queries. ``suppliers`` is a subquery of supplier ids (shared links only)."""
    by_supplier: dict[int, list[LinkFacts]] = defaultdict(list)
    for fact in shared:
        assert fact.supplier_id is not None
        by_supplier[fact.supplier_id].append(fact)

    stages = (
        Assessment.objects.filter(enterprise_id__in=suppliers)
        .order_by()
        .values_list("enterprise_id", "framework_id", "status")
        .annotate(n=Count("id"))
    )
    for enterprise_id, framework_id, status, _n in stages:
        for fact in by_supplier.get(enterprise_id, ()):
            if status == Assessment.Status.DRAFT:
                fact.drafting.add(framework_id)
            elif status in COUNTED:
                fact.counted.add(framework_id)

    valid = (
        Certificate.objects.filter(
            enterprise_id__in=suppliers,
            status=Certificate.Status.VALID,
            expires_at__gt=timezone.now(),
        )
        .order_by()
        .values_list("enterprise_id", "framework_id")
        .distinct()
    )
    for enterprise_id, framework_id in valid:
        for fact in by_supplier.get(enterprise_id, ()):
            fact.certified.add(framework_id)

    attested = (
        Assessment.objects.filter(
            enterprise_id__in=suppliers,
            status__in=requirements.ATTESTED_STATUSES,
            submitted_at__isnull=False,
        )
        .annotate(dims=DimensionScores("result"))
        .order_by("enterprise_id", "framework_id", "submitted_at", "id")
        .values_list(
            "id",
            "enterprise_id",
            "framework_id",
            "status",
            "level_code",
            "confirmed_level_code",
            "total",
            "submitted_at",
            "dims",
        )
    )
    for row in attested:
        pk, enterprise_id, framework_id, status, level_code, confirmed, total, submitted_at = row[
            :8
        ]
        dims = [
            {"key": key, "score": score, "max": maximum}
            for key, score, maximum in row[8] or ()
            if key is not None
        ]
        result = Attested(
            assessment_id=pk,
            framework_id=framework_id,
            submitted_at=submitted_at,
            level=requirements.attested_level(status, level_code, confirmed),
            total=total,
            percents=requirements.dimension_percents({"dimensions": dims}),
        )
        for fact in by_supplier.get(enterprise_id, ()):
            fact.attested.setdefault(framework_id, []).append(result)


class DimensionScores(Func):
    """``[[key, score, max], ...]`` of a stored result's dimensions, computed in SQL.

    The JSON document of a result is large (every gate sentence, both languages) and
    stored compressed: each path read from it decompresses it again, so twelve ``KT``
    columns cost twelve decompressions a row (4 s over 3,400 results on PostgreSQL,
    against 0.3 s for this one expression, which reads the document once).
    """

    output_field = JSONField()
    template = "%(expressions)s"  # replaced per database below

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = (
            "(SELECT jsonb_agg(jsonb_build_array(e -> 'key', e -> 'score', e -> 'max')) "
            "FROM jsonb_array_elements(%(expressions)s -> 'dimensions') AS e)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = (
            "(SELECT json_group_array(json_array(json_extract(e.value, '$.key'), "
            "json_extract(e.value, '$.score'), json_extract(e.value, '$.max'))) "
            "FROM json_each(%(expressions)s, '$.dimensions') AS e)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def requirement_checks_for_links(
    links: QuerySet[SupplierLink] | Iterable[SupplierLink],
    today: dt.date | None = None,
    *,
    audience: Audience = "anchor",
) -> dict[int, list[tuple[SupplyRequirement, Check]]]:
    """{link id: [(requirement, check), ...]} for the links ``audience`` may check.

    ``audience="anchor"``: accepted links only (an anchor learns nothing of the rest).
    ``audience="supplier"``: invited and accepted links, for telling the supplier what
    is asked of it (approaching or missed deadlines, for instance). Links left out
    have no key at all; a link with no applicable requirement maps to []. A fixed
    number of queries (``supply_facts``), so a Celery task may pass every link.
    """
    found = supply_facts(links, today=today, audience=audience)
    return {fact.id: fact.checks for fact in found.links if fact.shared}
