"""Reads behind the results page: an assessment's result (or a draft's preview), the
enterprise's history on the framework, and peer medians.

Nothing here writes. The read models are localised (the active language) except where
a docstring says bilingual; charts are drawn by the view from these numbers.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.models import Assessment
from assessments.presenters import tr
from assessments.selectors import compiled_framework
from assessments.services.assessments import answers_of
from enterprises.api_supply import supplier_brief
from enterprises.models import Cluster, Enterprise, Industry, SupplierLink

from .supply.facts import supply_facts

# Results that count for history and benchmarks: submitted and not sent back. A
# returned assessment is superseded by its resubmission.
COUNTED_STATUSES = (
    Assessment.Status.SUBMITTED,
    Assessment.Status.PENDING_REVIEW,
    Assessment.Status.CONFIRMED,
)
DEFAULT_BENCHMARK_MIN_GROUP = 5


def benchmark_min_group() -> int:
    """K: the fewest peer enterprises a group needs before any median of it is shown."""
    return int(getattr(settings, "GRADIENT_BENCHMARK_MIN_GROUP", DEFAULT_BENCHMARK_MIN_GROUP))


def _float(value: Any) -> float | None:
    if value is None:
        return None
    return round(float(value), 3)


def number_text(value: Any) -> str:
    """A score for display: at most three decimals, no trailing zeros (7.5, 60, 0.125)."""
    if value is None:
        return "—"
    return scoring.format_number(Decimal(str(value)))


def _percent(score: Any, maximum: Any) -> float | None:
    """Score as a percentage of maximum; None when nothing can be scored (max 0)."""
    if not maximum:
        return None
    return round(float(scoring.percent(Decimal(str(score)), Decimal(str(maximum)))), 1)


# The result and its level ----------------------------------------------------------


@dataclass(frozen=True)
class AssessmentResult:
    """A result in the engine's `Result.to_dict()` form; `preview` for a draft's."""

    result: dict[str, Any]
    preview: bool


def assessment_result(assessment: Assessment) -> AssessmentResult:
    """The stored result, or for an assessment without one (a draft) the score of the
    answers saved so far, marked as a preview."""
    if assessment.result is not None:
        return AssessmentResult(result=assessment.result, preview=False)
    framework = compiled_framework(assessment.framework_version)
    result = scoring.score(framework, answers_of(assessment)).to_dict()
    return AssessmentResult(result=result, preview=True)


def _level_index(assessment: Assessment) -> dict[str, tuple[int, Any]]:
    """Level code -> (rank from 1 at the bottom, bilingual name), from the pinned version
    (its compiled form: the document itself stays unread)."""
    levels = compiled_framework(assessment.framework_version).levels
    return {level.code: (rank, level.name) for rank, level in enumerate(levels, start=1)}


def no_level_name(assessment: Assessment) -> str:
    """The framework's label for "no level reached" (the loader supplies a default)."""
    name = tr(compiled_framework(assessment.framework_version).no_level_name)
    return name or _("No level")


def level_badge(assessment: Assessment, data: AssessmentResult) -> dict[str, Any]:
    """The level to show and its state.

    `state`: preview (a draft), pending (awaiting review: the self-assessed level),
    confirmed (by review; `self_assessed` names a higher self-assessed level), final
    (a self-assessed level that needs no review), returned (sent back for changes).
    `rank` is 0 for no level, 1 for the lowest.
    """
    status = assessment.status
    self_code = assessment.level_code
    if data.preview:
        level = data.result.get("level")
        code, state = (level["code"] if level else ""), "preview"
    elif status == Assessment.Status.PENDING_REVIEW:
        code, state = self_code, "pending"
    elif status == Assessment.Status.CONFIRMED:
        code, state = assessment.confirmed_level_code, "confirmed"
    elif status == Assessment.Status.RETURNED:
        code, state = self_code, "returned"
    else:
        code, state = assessment.confirmed_level_code or self_code, "final"
    levels = _level_index(assessment)
    rank, name = levels.get(code, (0, None)) if code else (0, None)
    badge: dict[str, Any] = {
        "code": code or None,
        "name": tr(name) if name is not None else (code or no_level_name(assessment)),
        "rank": rank,
        "state": state,
        "self_assessed": None,
    }
    if state == "confirmed" and self_code and self_code != code:
        self_name = levels.get(self_code, (0, self_code))[1]
        badge["self_assessed"] = tr(self_name)
    return badge


def _display_value(value: Any, gate_type: str) -> str:
    """A gate's actual or required value as text."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float | Decimal):
        number = float(value)
        if gate_type == "tagged_share_at_least":
            number *= 100
        text = f"{number:.1f}".rstrip("0").rstrip(".")
        if gate_type in ("tagged_share_at_least", "dimension_percent_at_least"):
            return f"{text}%"
        return text
    return str(value)


def gate_rows(gates: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gates of the engine's to_dict form, localised and with printable values."""
    return [
        {
            "type": g["type"],
            "met": bool(g["met"]),
            "description": tr(g.get("description")),
            "actual": _display_value(g.get("actual"), g["type"]),
            "required": _display_value(g.get("required"), g["type"]),
            "children": gate_rows(g.get("children") or []),
        }
        for g in gates
    ]


def result_summary(assessment: Assessment, data: AssessmentResult) -> dict[str, Any]:
    """What the results page shows of one result, localised.

    Numbers come as floats and as display text (`*_text`). Dimensions keep their
    areas; `percent` is None where the maximum is 0 (unscored
    dimensions such as scenes), and those are not `scored`.
    """
    result = data.result
    dimensions = []
    for d in result["dimensions"]:
        dimensions.append(
            {
                "key": d["key"],
                "name": tr(d["name"]),
                "score": _float(d["score"]),
                "max": _float(d["max"]),
                "score_text": number_text(d["score"]),
                "max_text": number_text(d["max"]),
                "percent": _percent(d["score"], d["max"]),
                "scored": bool(d["max"]),
                "areas": [
                    {
                        "key": a["key"],
                        "name": tr(a["name"]),
                        "score": _float(a["score"]),
                        "max": _float(a["max"]),
                        "score_text": number_text(a["score"]),
                        "max_text": number_text(a["max"]),
                        "percent": _percent(a["score"], a["max"]),
                    }
                    for a in d.get("areas", [])
                ],
            }
        )
    next_level = result.get("next_level")
    return {
        "preview": data.preview,
        "framework_title": tr(compiled_framework(assessment.framework_version).title),
        "framework_code": result["framework_code"],
        "framework_version": result["framework_version"],
        "engine_version": result["engine_version"],
        "total": _float(result["total"]),
        "max_total": _float(result["max_total"]),
        "total_text": number_text(result["total"]),
        "max_total_text": number_text(result["max_total"]),
        "percent": _percent(result["total"], result["max_total"]),
        "level": level_badge(assessment, data),
        "dimensions": dimensions,
        "next_level": (
            {
                "code": next_level["code"],
                "name": tr(next_level["name"]),
                "met": all(g["met"] for g in next_level["gates"]),
                "gates": gate_rows(next_level["gates"]),
            }
            if next_level
            else None
        ),
    }


# History ---------------------------------------------------------------------------


def result_history(assessment: Assessment) -> list[dict[str, Any]]:
    """The enterprise's counted results on the assessment's framework, oldest first.

    One query, whatever the number of rows: narrow columns, level names from the
    assessment's own framework version (a code it does not know is shown as is).
    Each row: pk, submitted_at, total, total_text, level_code, level_name, status, status_label,
    current (the row is `assessment`).
    """
    rows = (
        Assessment.objects.filter(
            enterprise_id=assessment.enterprise_id,
            framework_id=assessment.framework_id,
            status__in=COUNTED_STATUSES,
            submitted_at__isnull=False,
        )
        .order_by("submitted_at", "pk")
        .values_list("pk", "submitted_at", "total", "level_code", "confirmed_level_code", "status")
    )
    levels = _level_index(assessment)
    history = []
    for pk, submitted_at, total, level_code, confirmed, status in rows:
        code = confirmed or level_code
        name = levels.get(code, (0, code))[1] if code else None
        history.append(
            {
                "pk": pk,
                "submitted_at": submitted_at,
                "total": _float(total),
                "total_text": number_text(total),
                "level_code": code or None,
                "level_name": tr(name) if name is not None else no_level_name(assessment),
                "status": status,
                "status_label": Assessment.Status(status).label,
                "pending": status == Assessment.Status.PENDING_REVIEW,
                "current": pk == assessment.pk,
            }
        )
    return history


# Peer medians ----------------------------------------------------------------------


def _median(values: list[float]) -> float:
    return round(float(statistics.median(values)), 3)


def peer_medians(assessment: Assessment) -> dict[str, Any]:
    """Median totals (and per-dimension median percentages) of the assessment's peers.

    Peers: the latest counted result of each *other* enterprise on the same framework
    (any version), grouped by the enterprise's industry and by each of its active
    clusters. A group's figures are given only when it holds at least K enterprises
    (`benchmark_min_group()`); otherwise `enough` is False and `size` and the medians
    are None, so that a small group's members cannot be inferred. No enterprise is
    ever named. A dimension median needs K values of its own.

    Returns {"framework", "min_group", "groups": [{"kind": "industry" | "cluster",
    "code", "name": bilingual {"zh-hans", "en"}, "enough", "size", "median_total",
    "dimensions": {key: median percent}}]}, industry first. Three queries, whatever
    the number of peers or clusters; medians are computed over narrow value rows
    (scalars read from the JSON in SQL), never one ORM object per enterprise.
    """
    min_group = benchmark_min_group()
    enterprise_id = assessment.enterprise_id
    industry_code = assessment.enterprise.industry_id
    industry_name = Industry.objects.filter(pk=industry_code).values_list("name", "name_en").first()
    clusters = list(
        Cluster.objects.filter(enterprises=enterprise_id, active=True)
        .order_by("code")
        .values_list("code", "name", "name_en")
    )
    cluster_codes = [code for code, _n, _e in clusters]
    through = Enterprise.clusters.through

    # Dimension keys, scores and maxima by position, read from the JSON in SQL so that
    # only scalars travel; the key is compared per row because versions may differ.
    current_dims = framework_dimensions(assessment)
    dim_columns: dict[str, Any] = {}
    for i in range(len(current_dims)):
        dim_columns[f"d{i}k"] = KT(f"result__dimensions__{i}__key")
        dim_columns[f"d{i}s"] = KT(f"result__dimensions__{i}__score")
        dim_columns[f"d{i}m"] = KT(f"result__dimensions__{i}__max")

    latest = (
        Assessment.objects.filter(
            enterprise_id=OuterRef("enterprise_id"),
            framework_id=assessment.framework_id,
            status__in=COUNTED_STATUSES,
            # PostgreSQL sorts NULLs first in descending order: never let one win.
            submitted_at__isnull=False,
        )
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    # One boolean column per cluster of the enterprise: is the peer a member?
    cluster_columns = {
        f"c{i}": Exists(
            through.objects.filter(enterprise_id=OuterRef("enterprise_id"), cluster_id=code)
        )
        for i, code in enumerate(cluster_codes)
    }
    in_groups = Q(enterprise__industry_id=industry_code)
    if cluster_codes:
        in_groups |= Q(
            enterprise_id__in=through.objects.filter(cluster_id__in=cluster_codes).values(
                "enterprise_id"
            )
        )
    rows = list(
        Assessment.objects.filter(
            in_groups,
            framework_id=assessment.framework_id,
            status__in=COUNTED_STATUSES,
            total__isnull=False,
            pk=Subquery(latest),
        )
        .exclude(enterprise_id=enterprise_id)
        .annotate(**cluster_columns, **dim_columns)
        .order_by()
        .values("enterprise__industry_id", "total", *cluster_columns, *dim_columns)
    )

    scored_keys = [d["key"] for d in current_dims if d["max"]]

    def group(kind: str, code: str, name: Any, selected: list[dict[str, Any]]) -> dict[str, Any]:
        enough = len(selected) >= min_group
        out: dict[str, Any] = {
            "kind": kind,
            "code": code,
            "name": name,
            "enough": enough,
            "size": len(selected) if enough else None,
            "median_total": None,
            "dimensions": {},
        }
        if not enough:
            return out
        out["median_total"] = _median([float(row["total"]) for row in selected])
        by_key: dict[str, list[float]] = {key: [] for key in scored_keys}
        for row in selected:
            for i in range(len(current_dims)):
                key, score, maximum = row[f"d{i}k"], row[f"d{i}s"], row[f"d{i}m"]
                if key in by_key and maximum not in (None, "") and float(maximum) > 0:
                    by_key[key].append(float(score or 0) * 100 / float(maximum))
        out["dimensions"] = {
            key: round(_median(values), 1)
            for key, values in by_key.items()
            if len(values) >= min_group
        }
        return out

    groups = [
        group(
            "industry",
            industry_code,
            {
                "zh-hans": industry_name[0] if industry_name else industry_code,
                "en": (industry_name[1] or industry_name[0]) if industry_name else industry_code,
            },
            [row for row in rows if row["enterprise__industry_id"] == industry_code],
        )
    ]
    for i, (code, name, name_en) in enumerate(clusters):
        groups.append(
            group(
                "cluster",
                code,
                {"zh-hans": name, "en": name_en or name},
                [row for row in rows if row[f"c{i}"]],
            )
        )
    return {
        "framework": assessment.framework.code,
        "min_group": min_group,
        "groups": groups,
    }


def framework_dimensions(assessment: Assessment) -> list[dict[str, Any]]:
    """The dimensions (key, max) of the assessment's framework version, in order."""
    framework = compiled_framework(assessment.framework_version)
    return [{"key": d.key, "max": d.maximum} for d in framework.dimensions]


def anchor_supplier_rows(
    anchor: Enterprise, *, offset: int = 0, limit: int | None = None
) -> list[dict[str, Any]]:
    """The anchor's links, each with the supplier's latest counted result if (and only if)
    the supplier has consented, and its ``progress`` (reports.requirements.supply_status:
    the link status unless accepted). A fixed number of queries whatever the number of
    suppliers."""
    latest = (
        Assessment.objects.filter(enterprise=OuterRef("supplier_id"), status__in=COUNTED_STATUSES)
        .order_by("-submitted_at", "-id")
        .values("pk")[:1]
    )
    # Only the columns a row shows: an anchor may have thousands of links, and building
    # whole links and enterprises (dates, JSON) took as long as the query itself.
    ordered = (
        SupplierLink.objects.filter(anchor=anchor)
        .select_related("supplier")
        .only(
            "id",
            "status",
            "tier",
            "tags",
            "parent_id",
            "supplier_name",
            "supplier_uscc",
            "supplier__name",
        )
        .annotate(latest_assessment_id=Subquery(latest))
        .order_by("tier", "supplier_name", "id")
    )
    links = list(ordered[offset : offset + limit] if limit is not None else ordered[offset:])
    progress = {
        fact.id: fact.status
        for fact in supply_facts(
            SupplierLink.objects.filter(anchor=anchor)
            if limit is None and not offset
            else SupplierLink.objects.filter(pk__in=[link.pk for link in links])
        ).links
    }
    # Consent is absolute: results are loaded only for accepted links.
    wanted = {
        link.latest_assessment_id
        for link in links
        if link.status == SupplierLink.Status.ACCEPTED and link.latest_assessment_id
    }
    assessments = (
        {
            a.pk: a
            for a in Assessment.objects.filter(pk__in=wanted)
            .select_related("framework")
            .only(
                "pk",
                "status",
                "submitted_at",
                "total",
                "level_code",
                "confirmed_level_code",
                "framework__code",
            )
        }
        if wanted
        else {}
    )
    rows = []
    for link in links:
        found = (
            assessments.get(link.latest_assessment_id)
            if link.status == SupplierLink.Status.ACCEPTED
            else None
        )
        rows.append(
            {
                "id": link.pk,
                "supplier": supplier_brief(link),
                "status": link.status,
                "progress": progress.get(link.pk, link.status),
                "tier": link.tier,
                "tags": list(link.tags or []),
                "parent": link.parent_id,
                "latest": latest_out(found) if found is not None else None,
            }
        )
    return rows


def latest_out(assessment: Assessment) -> dict[str, Any]:
    return {
        "framework": assessment.framework.code,
        "level": assessment.confirmed_level_code or assessment.level_code or None,
        "level_confirmed": assessment.status == Assessment.Status.CONFIRMED,
        "status": assessment.status,
        "total": float(assessment.total) if assessment.total is not None else None,
        "submitted_at": assessment.submitted_at,
    }


def generated_file_state(kind: str, object_id: int) -> tuple[Any, dict[str, Any]]:
    """A generated file's row (or None) and its public state: one query."""
    from .models import GeneratedFile

    row = GeneratedFile.objects.filter(kind=kind, object_id=object_id).first()
    return row, {
        "state": row.state if row else "missing",
        "progress": row.progress if row else 0,
        "error": row.error if row else "",
    }
