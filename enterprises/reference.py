"""Reference tables shipped with the project: GB/T 2260 regions, GB/T 4754 industries and
Jiangsu's advanced manufacturing clusters. Loaded by a data migration and kept in sync by
`manage.py load_reference_data` (idempotent)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [
            {key: (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(line for line in handle if not line.startswith("#"))
        ]


def sync(region_model: Any, industry_model: Any, cluster_model: Any) -> dict[str, int]:
    """Upsert every shipped row (models passed in so a migration can use historical models).

    Rows are never deleted: enterprises may reference a code that a later table drops.
    Clusters keep any name an administrator edited; only missing ones are added.
    """
    regions = read_rows("regions.csv")
    # Parents before children, so each parent exists when its child is written.
    order = {"province": 0, "city": 1, "district": 2}
    regions.sort(key=lambda row: (order.get(row["level"], 3), row["code"]))
    existing = set(region_model.objects.values_list("code", flat=True))
    to_create, to_update = [], []
    for row in regions:
        obj = region_model(
            code=row["code"],
            name=row["name"],
            name_en=row.get("name_en", ""),
            parent_id=row.get("parent") or None,
            level=row["level"],
        )
        (to_update if row["code"] in existing else to_create).append(obj)
    for level in ("province", "city", "district"):
        region_model.objects.bulk_create([o for o in to_create if o.level == level])
    region_model.objects.bulk_update(to_update, ["name", "name_en", "parent", "level"])

    industries = read_rows("industries.csv")
    existing = set(industry_model.objects.values_list("code", flat=True))
    industry_model.objects.bulk_create(
        [industry_model(**row) for row in industries if row["code"] not in existing]
    )
    industry_model.objects.bulk_update(
        [industry_model(**row) for row in industries if row["code"] in existing],
        ["name", "name_en"],
    )

    clusters = read_rows("clusters.csv")
    existing = set(cluster_model.objects.values_list("code", flat=True))
    cluster_model.objects.bulk_create(
        [cluster_model(**row) for row in clusters if row["code"] not in existing]
    )
    return {"regions": len(regions), "industries": len(industries), "clusters": len(clusters)}
