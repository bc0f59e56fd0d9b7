"""Settled results: each enterprise's latest final assessment per framework, kept narrow
for analytics (``SettledResult`` with its dimension scores and the gates it misses).

The services that store results call these functions in their own transaction:
``assessment_submit`` (a level that needs no review), ``assessment_review`` (a
confirmation) and ``results_rescore`` (new scores for stored answers). Whoever writes
assessments in bulk outside those services (fixtures, data loads) calls
``settled_results_rebuild`` afterwards (``manage.py rebuild_settled_results``), which
rebuilds the settled cells (``assessments.services.cells``) too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from assessments.models import (
    DIMENSION_SLOTS,
    GATE_BITS,
    Assessment,
    Framework,
    SettledResult,
)
from assessments.services import cells
from assessments.signals import settled_results_changed
from enterprises.models import Enterprise

SETTLED_STATUSES = (Assessment.Status.SUBMITTED, Assessment.Status.CONFIRMED)

# The columns a settled result is built from (the stored result document included).
_SOURCE_FIELDS = (
    "pk",
    "enterprise_id",
    "framework_id",
    "framework_version_id",
    "level_code",
    "confirmed_level_code",
    "total",
    "submitted_at",
)


def effective_level(level_code: str, confirmed_level_code: str) -> str:
    """The level a settled assessment stands at: the confirmed one, else the self-assessed."""
    return confirmed_level_code or level_code or ""


@dataclass(frozen=True)
class SettledFacts:
    """What a settled result keeps of a stored result document (plain data)."""

    level_rank: int
    percent: float | None
    dimension_scores: list[float]  # in the order of the version's dimensions
    next_level: str | None  # the level above, None at the top
    misses: list[int]  # indexes of its unmet top-level gates


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value if value is not None else 0))


def _percent(score: Decimal, maximum: Decimal) -> float | None:
    return round(float(score * 100 / maximum), 3) if maximum > 0 else None


def settled_facts(result: Mapping[str, Any], level_code: str) -> SettledFacts:
    """The rank of `level_code` among the result's levels, the total percent, the
    dimension scores, and the unmet top-level gates of the level right above
    `level_code`.

    `result` is an engine result in ``Result.to_dict()`` form; `level_code` the
    effective level ("" below the first level). A code the result does not list ranks 0.
    """
    levels = list(result.get("levels") or [])
    codes = [level.get("code") for level in levels]
    rank = codes.index(level_code) + 1 if level_code in codes else 0
    misses: list[int] = []
    next_level = None
    if rank < len(levels):
        upper = levels[rank]
        next_level = str(upper["code"])
        misses = [i for i, gate in enumerate(upper.get("gates") or []) if not gate.get("met")]
    scores = [float(_decimal(d.get("score"))) for d in result.get("dimensions") or []]
    total, max_total = _decimal(result.get("total")), _decimal(result.get("max_total"))
    return SettledFacts(
        level_rank=rank,
        percent=_percent(total, max_total),
        dimension_scores=scores,
        next_level=next_level,
        misses=misses,
    )


def gate_mask(misses: list[int]) -> int:
    """The ``missed_gates`` bits of unmet gate indexes (those beyond GATE_BITS dropped)."""
    return sum(1 << index for index in misses if index < GATE_BITS)


def dimension_columns(scores: list[float]) -> dict[str, float | None]:
    """The ``dimension_<n>`` column values for scores in dimension order (the first
    DIMENSION_SLOTS of them; the other columns empty)."""
    return {
        f"dimension_{slot}": scores[slot - 1] if slot <= len(scores) else None
        for slot in range(1, DIMENSION_SLOTS + 1)
    }


def _write(framework_id: int, sources: list[dict[str, Any]], *, count: bool = True) -> int:
    """Replace the settled results of the sources' enterprises on `framework_id` with the
    sources (dicts of `_SOURCE_FIELDS` plus ``result``), one per enterprise, and move
    their settled cells along (unless not `count`: a rebuild recomputes them). Call
    inside a transaction. Returns the number written.

    The enterprises' rows are locked first (in id order), so that two transactions
    refreshing the same enterprise take turns instead of both inserting.
    """
    if not sources:
        return 0
    ids = sorted({source["enterprise_id"] for source in sources})
    list(Enterprise.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    replaced = SettledResult.objects.filter(framework_id=framework_id, enterprise_id__in=ids)
    before = cells.settled_rows(framework_id=framework_id, enterprise_id__in=ids) if count else []
    replaced.delete()
    rows = []
    for source in sources:
        level = effective_level(source["level_code"], source["confirmed_level_code"])
        fact = settled_facts(source["result"] or {}, level)
        rows.append(
            SettledResult(
                enterprise_id=source["enterprise_id"],
                framework_id=framework_id,
                framework_version_id=source["framework_version_id"],
                assessment_id=source["pk"],
                level_code=level,
                level_rank=fact.level_rank,
                total=source["total"] if source["total"] is not None else Decimal(0),
                percent=fact.percent,
                missed_gates=gate_mask(fact.misses),
                **dimension_columns(fact.dimension_scores),
                settled_at=source["submitted_at"],
            )
        )
    written = SettledResult.objects.bulk_create(rows, batch_size=1000)
    if count:
        cells.settled_changed(
            before, [{name: getattr(row, name) for name in cells.SETTLED_FIELDS} for row in rows]
        )
    return len(written)


def _settled(queryset: Any) -> Any:
    # PostgreSQL sorts NULLs first in descending order: a settled row always has a date.
    return queryset.filter(status__in=SETTLED_STATUSES, submitted_at__isnull=False)


@transaction.atomic
def settled_result_refresh(*, enterprise_id: int, framework_id: int) -> SettledResult | None:
    """Make the enterprise's settled result on the framework its latest settled
    assessment (by submission time, then id), or remove it when there is none.

    Call it in the transaction that changed an assessment's status or level (it joins
    it; on its own it opens one).
    """
    latest = (
        _settled(Assessment.objects.filter(enterprise_id=enterprise_id, framework_id=framework_id))
        .order_by("-submitted_at", "-pk")
        .values(*_SOURCE_FIELDS, "result")
        .first()
    )
    if latest is None:
        list(Enterprise.objects.select_for_update().filter(pk=enterprise_id).values_list("pk"))
        gone = cells.settled_rows(enterprise_id=enterprise_id, framework_id=framework_id)
        if gone:
            SettledResult.objects.filter(
                enterprise_id=enterprise_id, framework_id=framework_id
            ).delete()
            cells.settled_changed(gone, [])
        return None
    _write(framework_id, [latest])
    return SettledResult.objects.get(enterprise_id=enterprise_id, framework_id=framework_id)


@transaction.atomic
def settled_results_rescored(*, framework_id: int, results: Mapping[int, Mapping[str, Any]]) -> int:
    """Rewrite the settled results whose assessment was just rescored.

    `results` maps assessment ids to their new result documents (already stored on the
    assessments). Levels stay effective as stored (rescoring never changes a confirmed
    level); scores, percents and missed gates follow the new documents. Call it in the
    transaction that wrote the results. One read and a batch of writes.
    """
    sources = list(
        Assessment.objects.filter(
            pk__in=list(results), framework_id=framework_id, settled_result__isnull=False
        ).values(*_SOURCE_FIELDS)
    )
    for source in sources:
        source["result"] = results[source["pk"]]
    return _write(framework_id, sources)


def _latest_ids(framework_id: int) -> Iterable[int]:
    """The id of each enterprise's latest settled assessment on the framework, streamed
    over narrow rows in enterprise order (memory stays flat at any table size)."""
    rows = (
        _settled(Assessment.objects.filter(framework_id=framework_id))
        .order_by("enterprise_id", "-submitted_at", "-pk")
        .values_list("enterprise_id", "pk")
        .iterator(chunk_size=5000)
    )
    previous = None
    for enterprise_id, pk in rows:
        if enterprise_id != previous:
            previous = enterprise_id
            yield pk


def settled_results_rebuild(
    *,
    framework_codes: Iterable[str] | None = None,
    batch_size: int = 1000,
    progress: Callable[[str, int], None] | None = None,
) -> int:
    """Rebuild the settled results of the given frameworks (all when None) from the
    assessments; return how many were written.

    Each framework is rebuilt in one transaction, so readers see the old or the new
    standings, never half of them. Results documents are read `batch_size` at a time.
    Meant for after bulk loads: the enterprises it rewrites stay locked until it commits,
    so a submission settling meanwhile waits for it.
    """
    frameworks = Framework.objects.order_by("code")
    if framework_codes is not None:
        frameworks = frameworks.filter(code__in=list(framework_codes))
    written = 0
    for framework_id, code in frameworks.values_list("pk", "code"):
        with transaction.atomic():
            SettledResult.objects.filter(framework_id=framework_id).delete()
            batch: list[int] = []
            done = 0

            def flush(ids: list[int], framework_id: int = framework_id) -> int:
                sources = list(
                    Assessment.objects.filter(pk__in=ids).values(*_SOURCE_FIELDS, "result")
                )
                return _write(framework_id, sources, count=False)

            for pk in _latest_ids(framework_id):
                batch.append(pk)
                if len(batch) >= batch_size:
                    done += flush(batch)
                    batch = []
                    if progress:
                        progress(code, done)
            done += flush(batch)
            cells.cells_rebuild([framework_id], enterprises=False)
            if progress:
                progress(code, done)
        written += done
    # Bulk loads write enterprises and memberships past the signals too.
    cells.cells_rebuild([], enterprises=True)
    settled_results_changed.send(sender=SettledResult, enterprise_ids=None)
    return written
