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

    from assessments.services.settled import effective_level, settled_facts

    Assessment = apps.get_model("assessments", "Assessment")
    Framework = apps.get_model("assessments", "Framework")
    SettledResult = apps.get_model("assessments", "SettledResult")
    SettledDimension = apps.get_model("assessments", "SettledDimension")
    SettledGateMiss = apps.get_model("assessments", "SettledGateMiss")

    def write(framework_id, ids):
        sources = list(Assessment.objects.filter(pk__in=ids).values(*FIELDS))
        rows, facts = [], []
        for source in sources:
            level = effective_level(source["level_code"], source["confirmed_level_code"])
            fact = settled_facts(source["result"] or {}, level)
            facts.append(fact)
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
                    settled_at=source["submitted_at"],
                )
            )
        made = list(zip(SettledResult.objects.bulk_create(rows), facts, strict=True))
        SettledDimension.objects.bulk_create(
            [
                SettledDimension(settled_id=row.pk, key=k, score=s, max=m, percent=p)
                for row, fact in made
                for k, s, m, p in fact.dimensions
            ]
        )
        SettledGateMiss.objects.bulk_create(
            [
                SettledGateMiss(settled_id=row.pk, level_code=c, gate_index=i, gate_type=t)
                for row, fact in made
                for c, i, t in fact.misses
            ]
        )

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
    dependencies = [("assessments", "0006_settled_results")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
