"""Fill the settled results from the assessments already stored.

Uses the historical models and the pure ``settled_facts`` (plain data in, plain data
out), walking each framework's settled assessments in enterprise order over narrow rows
and reading result documents a batch at a time.
"""

from django.db import migrations

BATCH = 500
SETTLED = ("submitted", "confirmed")
FIELDS = (
    "pk",
    "enterprise_id",
    "framework_version_id",
    "level_code",
    "confirmed_level_code",
    "total",
    "submitted_at",
    "result",
)


def fill(apps, schema_editor):
    from decimal import Decimal

    from assessments.services.settled import (
        dimension_columns,
        effective_level,
        gate_mask,
        settled_facts,
    )

    Assessment = apps.get_model("assessments", "Assessment")
    Framework = apps.get_model("assessments", "Framework")
    SettledResult = apps.get_model("assessments", "SettledResult")

    def write(framework_id, ids):
        rows = []
        for source in Assessment.objects.filter(pk__in=ids).values(*FIELDS):
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
                    settled_at=source["submitted_at"],
                    **dimension_columns(fact.dimension_scores),
                )
            )
        SettledResult.objects.bulk_create(rows)

    for framework_id in Framework.objects.values_list("pk", flat=True):
        rows = (
            Assessment.objects.filter(
                framework_id=framework_id, status__in=SETTLED, submitted_at__isnull=False
            )
            .order_by("enterprise_id", "-submitted_at", "-pk")
            .values_list("enterprise_id", "pk")
        )
        previous, batch = None, []
        for enterprise_id, pk in rows.iterator(chunk_size=5000):
            if enterprise_id == previous:
                continue
            previous = enterprise_id
            batch.append(pk)
            if len(batch) >= BATCH:
                write(framework_id, batch)
                batch = []
        write(framework_id, batch)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0007_settled_results")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
