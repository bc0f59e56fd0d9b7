"""Recompute stored results after an engine or framework-loader change, in batches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from assessments import scoring
from assessments.models import Assessment, FrameworkVersion
from assessments.selectors import compiled_framework


@dataclass(frozen=True)
class StoredResult:
    """What an assessment row keeps of a result: the plain data and its headline figures."""

    result: dict[str, Any]
    total: Decimal
    level_code: str
    engine_version: str


def stored_result(framework: scoring.Framework, answers: dict[str, Any]) -> StoredResult:
    result = scoring.score(framework, answers)
    return StoredResult(
        result=result.to_dict(),
        total=result.total,
        level_code=result.level.code if result.level else "",
        engine_version=result.engine_version,
    )


def results_rescore(
    *,
    framework_code: str,
    batch_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Rescore every stored (submitted) result of a framework; return how many were written.

    Reads only the columns it needs, walks the table by primary key, and writes each
    batch in one transaction with bulk_update, so memory stays bounded whatever the
    table size. Answers are never touched: only the result and its figures.
    """
    versions = {v.pk: v for v in FrameworkVersion.objects.filter(framework__code=framework_code)}
    base = Assessment.objects.filter(
        framework_version_id__in=list(versions), answers_snapshot__isnull=False
    )
    total = base.count()
    done = 0
    last_pk = 0
    while True:
        rows = list(
            base.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "framework_version_id", "answers_snapshot")[:batch_size]
        )
        if not rows:
            break
        updates = []
        for pk, version_id, answers in rows:
            computed = stored_result(compiled_framework(versions[version_id]), answers)
            updates.append(
                Assessment(
                    pk=pk,
                    result=computed.result,
                    total=computed.total,
                    level_code=computed.level_code,
                    engine_version=computed.engine_version,
                )
            )
        with transaction.atomic():
            Assessment.objects.bulk_update(
                updates, ["result", "total", "level_code", "engine_version"], batch_size=500
            )
        done += len(rows)
        last_pk = rows[-1][0]
        if progress:
            progress(done, total)
    return done
