"""Chain standings (``ChainStanding``): each accepted supplier link's coverage facts,
worked out ahead for the bureaus' chain coverage (coverage.py).

A link's rows are recomputed from scratch (deleted and written again, the link's row
locked first) whenever something they rest on changes, in the transaction of the
change:

- the link (saved: accepted, revoked, retagged; tiers moved in bulk send
  ``supplier_links_changed``);
- its supplier's settled results (``settled_results_changed`` from the assessment
  services; a rebuild of them all rebuilds every standing);
- its anchor's requirements (saved or deleted);
- the region of either firm (an enterprise saved with a new region).

Deadlines are not facts that age: a row keeps the earliest deadline among the
requirements the supplier misses, and coverage compares it with today when it reads.
Links deleted take their rows with them (a cascade). ``standings_rebuild`` recomputes
them all (``manage.py rebuild_settled_results``, and beat's nightly check on drift).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save

from assessments.models import DIMENSION_SLOTS, FrameworkVersion, SettledResult
from assessments.selectors import compiled_framework
from assessments.signals import settled_results_changed
from enterprises.models import Enterprise, SupplierLink
from enterprises.signals import supplier_links_changed
from reports import requirements as rule
from reports.models import ChainStanding, SupplyRequirement

LINKS = 0  # the framework of the rows that stand for the link itself
_BATCH = 2000
_SETTLED_FIELDS = (
    "enterprise_id",
    "framework_id",
    "framework_version_id",
    "level_code",
    *(f"dimension_{slot}" for slot in range(1, DIMENSION_SLOTS + 1)),
)
_REQUIREMENT_FIELDS = (
    "id",
    "anchor_id",
    "framework_id",
    "group",
    "tier",
    "tag",
    "min_level_code",
    "min_dimension_percents",
    "deadline",
)


def _level_ranks() -> dict[int, dict[str, int]]:
    """Each framework's level codes -> rank (1 = lowest), from its latest published
    version (one query; documents compiled once per process)."""
    versions = (
        FrameworkVersion.objects.published()
        .defer("definition", "source")
        .order_by("framework_id", "-published_at", "-id")
    )
    out: dict[int, dict[str, int]] = {}
    for version in versions:
        if version.framework_id not in out:
            codes = [level.code for level in compiled_framework(version).levels]
            out[version.framework_id] = rule.level_ranks(codes)
    return out


def _dimension_shapes(version_ids: set[int]) -> dict[int, list[tuple[str, float]]]:
    """Each version's dimensions as (key, maximum), in column order (one query)."""
    if not version_ids:
        return {}
    versions = FrameworkVersion.objects.filter(pk__in=version_ids).defer("definition", "source")
    return {
        version.pk: [(d.key, float(d.maximum)) for d in compiled_framework(version).dimensions]
        for version in versions
    }


def computed_standings(link_ids: Iterable[int]) -> list[ChainStanding]:
    """The rows of the links named (unsaved; links not accepted get none). Five queries
    whatever the number of links (and one per version whose document was never read)."""
    links = list(
        SupplierLink.objects.filter(
            pk__in=list(link_ids),
            status=SupplierLink.Status.ACCEPTED,
            supplier__isnull=False,
        )
        .order_by("pk")
        .values_list(
            "pk",
            "anchor_id",
            "supplier_id",
            "tier",
            "tags",
            "anchor__region_id",
            "supplier__region_id",
        )
    )
    if not links:
        return []
    settled: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for row in SettledResult.objects.filter(enterprise_id__in={link[2] for link in links}).values(
        *_SETTLED_FIELDS
    ):
        settled[row["enterprise_id"]][row["framework_id"]] = row
    requirements: dict[int, dict[int, list[SimpleNamespace]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in SupplyRequirement.objects.filter(anchor_id__in={link[1] for link in links}).values(
        *_REQUIREMENT_FIELDS
    ):
        requirements[row["anchor_id"]][row["framework_id"]].append(
            SimpleNamespace(**row, pk=row["id"])
        )
    ranks = _level_ranks()
    named_dimensions = any(
        r.min_dimension_percents
        for by_framework in requirements.values()
        for found in by_framework.values()
        for r in found
    )
    shapes = (
        _dimension_shapes(
            {row["framework_version_id"] for rows in settled.values() for row in rows.values()}
        )
        if named_dimensions
        else {}
    )
    out = []
    for pk, anchor_id, supplier_id, tier, tags, anchor_region, supplier_region in links:
        base = {
            "link_id": pk,
            "anchor_id": anchor_id,
            "supplier_id": supplier_id,
            "anchor_region": anchor_region,
            "supplier_region": supplier_region,
        }
        out.append(ChainStanding(framework=LINKS, **base))
        results = settled.get(supplier_id, {})
        asked = requirements.get(anchor_id, {})
        for framework_id in sorted(set(results) | set(asked)):
            applicable = [
                r
                for r in asked.get(framework_id, ())
                if rule.applies(r, tier=tier, tags=tags or [])
            ]
            result = results.get(framework_id)
            if result is None and not applicable:
                continue
            meets, unmet_deadline = _check(applicable, result, ranks.get(framework_id, {}), shapes)
            out.append(
                ChainStanding(
                    framework=framework_id,
                    **base,
                    assessed=result is not None,
                    with_requirement=bool(applicable),
                    meets=meets,
                    unmet_deadline=unmet_deadline,
                )
            )
    return out


def _check(
    applicable: list[SimpleNamespace],
    result: dict[str, Any] | None,
    ranks: dict[str, int],
    shapes: dict[int, list[tuple[str, float]]],
) -> tuple[bool, Any]:
    """(meets every applicable requirement, the earliest deadline of those it misses)."""
    if not applicable:
        return False, None
    level = percents = None
    if result is not None:
        level = result["level_code"]
        wanted = {key for r in applicable for key in r.min_dimension_percents or ()}
        percents = rule.dimension_percents(
            {
                "dimensions": [
                    {"key": key, "score": result[f"dimension_{slot}"], "max": maximum}
                    for slot, (key, maximum) in enumerate(
                        shapes.get(result["framework_version_id"], ()), start=1
                    )
                    if key in wanted
                    and slot <= DIMENSION_SLOTS
                    and result[f"dimension_{slot}"] is not None
                ]
            }
        )
    unmet = []
    for requirement in applicable:
        found = rule.check(
            requirement,
            level_ranks=ranks,
            level=level,
            percents=percents,
            today=requirement.deadline,  # deadlines are compared when read
        )
        if not found.met:
            unmet.append(requirement.deadline)
    return not unmet, min(unmet, default=None)


def standings_refresh(
    *,
    link_ids: Iterable[int] = (),
    anchor_ids: Iterable[int] = (),
    supplier_ids: Iterable[int] = (),
) -> int:
    """Recompute the rows of the links named, by id, anchor or supplier; return how many
    rows were written. Call in the transaction of the change (it locks the links)."""
    query = Q(pk__in=list(link_ids)) | Q(anchor_id__in=list(anchor_ids))
    query |= Q(supplier_id__in=list(supplier_ids))
    links = SupplierLink.objects.filter(query).order_by("pk")
    if connection.in_atomic_block:
        links = links.select_for_update()
    ids = list(links.values_list("pk", flat=True))
    if not ids:
        return 0
    ChainStanding.objects.filter(link_id__in=ids).delete()
    return len(ChainStanding.objects.bulk_create(computed_standings(ids), batch_size=1000))


@transaction.atomic
def standings_rebuild() -> int:
    """Recompute every row, a batch of links at a time, in one transaction."""
    ChainStanding.objects.all().delete()
    ids = list(
        SupplierLink.objects.filter(status=SupplierLink.Status.ACCEPTED, supplier__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    written = 0
    for start in range(0, len(ids), _BATCH):
        rows = computed_standings(ids[start : start + _BATCH])
        written += len(ChainStanding.objects.bulk_create(rows, batch_size=1000))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(ChainStanding._meta.db_table)
            cursor.execute(f"ANALYZE {table}")
    return written


_COLUMNS = (
    "link_id",
    "framework",
    "anchor_id",
    "supplier_id",
    "anchor_region",
    "supplier_region",
    "assessed",
    "with_requirement",
    "meets",
    "unmet_deadline",
)


def standings_drift() -> list[dict[str, Any]]:
    """Rows that differ from what the links give today (none when all is well): each
    {stored, computed} (either None when missing). For checks and tests."""
    stored = {(row[0], row[1]): row for row in ChainStanding.objects.values_list(*_COLUMNS)}
    ids = list(SupplierLink.objects.order_by("pk").values_list("pk", flat=True))
    computed = {}
    for start in range(0, len(ids), _BATCH):
        for row in computed_standings(ids[start : start + _BATCH]):
            values = tuple(getattr(row, name) for name in _COLUMNS)
            computed[(values[0], values[1])] = values
    return [
        {"stored": stored.get(key), "computed": computed.get(key)}
        for key in sorted(set(stored) | set(computed))
        if stored.get(key) != computed.get(key)
    ]


# ---- signal receivers -----------------------------------------------------------------

_OLD_REGION = "_chain_standings_region"


def _link_saved(sender: Any, instance: SupplierLink, **kwargs: Any) -> None:
    standings_refresh(link_ids=[instance.pk])


def _links_changed(sender: Any, link_ids: Iterable[int], **kwargs: Any) -> None:
    standings_refresh(link_ids=link_ids)


def _settled_changed(sender: Any, enterprise_ids: set[int] | None, **kwargs: Any) -> None:
    if enterprise_ids is None:
        standings_rebuild()
    else:
        standings_refresh(supplier_ids=enterprise_ids)


def _requirement_changed(sender: Any, instance: SupplyRequirement, **kwargs: Any) -> None:
    standings_refresh(anchor_ids=[instance.anchor_id])


def _enterprise_pre_save(sender: Any, instance: Enterprise, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or instance._state.adding:
        return
    if update_fields is not None and "region" not in update_fields:
        return
    old = Enterprise.objects.filter(pk=instance.pk).values_list("region_id", flat=True).first()
    setattr(instance, _OLD_REGION, old)


def _enterprise_saved(sender: Any, instance: Enterprise, created: bool, **kwargs: Any) -> None:
    old = instance.__dict__.pop(_OLD_REGION, None)
    if not created and old is not None and old != instance.region_id:
        standings_refresh(anchor_ids=[instance.pk], supplier_ids=[instance.pk])


def connect() -> None:
    """Connect the receivers that keep the standings in step."""
    uid = "chain_standings_"
    post_save.connect(_link_saved, sender=SupplierLink, dispatch_uid=uid + "link")
    supplier_links_changed.connect(_links_changed, dispatch_uid=uid + "links")
    settled_results_changed.connect(_settled_changed, dispatch_uid=uid + "settled")
    post_save.connect(_requirement_changed, sender=SupplyRequirement, dispatch_uid=uid + "req")
    post_delete.connect(
        _requirement_changed, sender=SupplyRequirement, dispatch_uid=uid + "req_delete"
    )
    pre_save.connect(_enterprise_pre_save, sender=Enterprise, dispatch_uid=uid + "pre_save")
    post_save.connect(_enterprise_saved, sender=Enterprise, dispatch_uid=uid + "post_save")
