"""A small, deterministic population for the analytics tests, and a reference of its
figures computed with pandas from the raw rows (not from the settled-result tables)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from django.utils import timezone

from assessments.models import Assessment, FrameworkVersion
from assessments.services.settled import settled_result_refresh
from enterprises.models import Enterprise, SupplierLink
from tests.factories import EnterpriseFactory
from tests.reports.conftest import BEST, LEVEL1, store_submitted

# Suzhou districts, one Wuxi district, one Nanjing district.
SUZHOU = ["320505", "320506", "320583"]
WUXI = ["320214"]
NANJING = ["320115"]
INDUSTRIES = ["C34", "C38", "C39"]
# (employees, revenue in 10,000 yuan): large, medium, small, micro.
SIZES = [(1200, Decimal("60000")), (400, Decimal("5000")), (50, Decimal("500")), (5, Decimal(50))]
CLUSTERS = [["iot"], ["iot", "new-power-equipment"], [], ["construction-machinery"]]

# What each enterprise has, by position (cycled): a settled level, or not.
KINDS = [
    "l1",  # submitted, total 3 -> L1
    "none",  # submitted, total 0 -> below L1
    "l2",  # confirmed at L2
    "unassessed",
    "l1_then_l2",  # an older L1, then a newer confirmed L2: counts as L2
    "l2_lower",  # self-assessed L2, confirmed at L1
    "pending",  # only pending review: not settled
    "l1b",  # submitted, total 2 -> L1
    "returned_then_l1",  # returned (not settled), then submitted L1
]


def settle(
    enterprise: Enterprise,
    answers: dict[str, Any],
    *,
    confirmed: str | None = None,
    status: str | None = None,
    days_ago: int = 0,
    version: FrameworkVersion | None = None,
) -> Assessment:
    """Store a result directly and refresh the settled result as the services do."""
    if status is None:
        status = Assessment.Status.CONFIRMED if confirmed else Assessment.Status.SUBMITTED
    assessment = store_submitted(
        enterprise,
        answers,
        status=status,
        version=version,
        submitted_at=timezone.now() - timedelta(days=days_ago),
    )
    if confirmed:
        assessment.confirmed_level_code = confirmed
        assessment.save(update_fields=["confirmed_level_code"])
    settled_result_refresh(enterprise_id=enterprise.pk, framework_id=assessment.framework_id)
    return assessment


def give(enterprise: Enterprise, kind: str) -> None:
    if kind == "l1":
        settle(enterprise, LEVEL1)
    elif kind == "none":
        settle(enterprise, {})
    elif kind == "l2":
        settle(enterprise, BEST, confirmed="L2")
    elif kind == "l1_then_l2":
        settle(enterprise, LEVEL1, days_ago=200)
        settle(enterprise, BEST, confirmed="L2", days_ago=3)
    elif kind == "l2_lower":
        settle(enterprise, {"q_net": "full", "q_mes": True, "q_data": "all"}, confirmed="L1")
    elif kind == "pending":
        settle(enterprise, BEST, status=Assessment.Status.PENDING_REVIEW)
    elif kind == "l1b":
        settle(enterprise, {"q_net": "full"})
    elif kind == "returned_then_l1":
        settle(enterprise, BEST, status=Assessment.Status.RETURNED, days_ago=20)
        settle(enterprise, LEVEL1, days_ago=1)


def population(n: int, *, regions: list[str] | None = None, offset: int = 0) -> list[Enterprise]:
    """`n` enterprises spread over regions, industries, sizes, clusters and kinds."""
    regions = regions or [*SUZHOU, *WUXI, *NANJING]
    made = []
    for i in range(offset, offset + n):
        employees, revenue = SIZES[i % len(SIZES)]
        enterprise = EnterpriseFactory(
            name=f"分析测试企业{i:04d}",
            region_id=regions[i % len(regions)],
            industry_id=INDUSTRIES[(i // 2) % len(INDUSTRIES)],
            employees=employees,
            revenue_10k_yuan=revenue,
        )
        clusters = CLUSTERS[(i // 3) % len(CLUSTERS)]
        if clusters:
            enterprise.clusters.set(clusters)
        give(enterprise, KINDS[i % len(KINDS)])
        made.append(enterprise)
    return made


def link(anchor: Enterprise, supplier: Enterprise, *, tier: int = 1, tags: list[str] | None = None):
    return SupplierLink.objects.create(
        anchor=anchor,
        supplier=supplier,
        supplier_uscc=supplier.uscc,
        supplier_name=supplier.name,
        status=SupplierLink.Status.ACCEPTED,
        tier=tier,
        tags=tags or [],
    )


# ---- the reference -----------------------------------------------------------------------


def reference(prefixes: list[str], framework_code: str = "report-fw") -> dict[str, Any]:
    """The figures of the enterprises whose region starts with one of `prefixes`,
    computed with pandas from Enterprise and Assessment rows and the result documents."""
    enterprises = pd.DataFrame(
        list(Enterprise.objects.values("id", "region_id", "industry_id", "size_class")),
        columns=["id", "region_id", "industry_id", "size_class"],
    )
    enterprises = enterprises[
        enterprises.region_id.apply(lambda code: any(code.startswith(p) for p in prefixes))
    ]
    enterprises["city"] = enterprises.region_id.str[:4] + "00"
    memberships = pd.DataFrame(
        list(Enterprise.clusters.through.objects.values("enterprise_id", "cluster_id")),
        columns=["enterprise_id", "cluster_id"],
    )
    assessments = pd.DataFrame(
        list(
            Assessment.objects.filter(framework__code=framework_code).values(
                "id",
                "enterprise_id",
                "status",
                "submitted_at",
                "level_code",
                "confirmed_level_code",
                "result",
                "framework_version_id",
            )
        )
    )
    settled = assessments[assessments.status.isin(["submitted", "confirmed"])]
    settled = settled.sort_values(["submitted_at", "id"]).groupby("enterprise_id").tail(1)
    settled = settled.assign(
        level=settled.confirmed_level_code.where(
            settled.confirmed_level_code != "", settled.level_code
        )
    )
    frame = enterprises.merge(
        settled[["enterprise_id", "level", "result", "id", "framework_version_id"]].rename(
            columns={"id": "assessment"}
        ),
        left_on="id",
        right_on="enterprise_id",
        how="left",
    )

    def levels(part: pd.DataFrame) -> dict[str, int]:
        counts = part.level.dropna().value_counts()
        return {str(code): int(n) for code, n in counts.items()}

    def groups(column: str, part: pd.DataFrame) -> dict[str, dict[str, Any]]:
        return {
            str(key): {
                "enterprises": len(sub),
                "assessed": int(sub.level.notna().sum()),
                "levels": levels(sub),
            }
            for key, sub in part.groupby(column)
        }

    members = memberships.rename(columns={"enterprise_id": "member_id"})
    in_clusters = frame.merge(members, left_on="id", right_on="member_id")

    # Dimension rows from the result documents of the settled assessments.
    dims = []
    gates = []
    for _i, row in frame[frame.level.notna()].iterrows():
        for d in row.result["dimensions"]:
            percent = d["score"] * 100 / d["max"] if d["max"] else None
            dims.append({"id": row.id, "key": d["key"], "score": d["score"], "percent": percent})
        codes = [lv["code"] for lv in row.result["levels"]]
        rank = codes.index(row.level) + 1 if row.level in codes else 0
        if rank < len(codes):
            for index, gate in enumerate(row.result["levels"][rank]["gates"]):
                if not gate["met"]:
                    gates.append(
                        {
                            "id": row.id,
                            "version": row.framework_version_id,
                            "level": codes[rank],
                            "index": index,
                        }
                    )
    dims_frame = pd.DataFrame(dims, columns=["id", "key", "score", "percent"])
    gates_frame = pd.DataFrame(gates, columns=["id", "version", "level", "index"])
    heat = dims_frame.merge(members, left_on="id", right_on="member_id")
    return {
        "enterprises": len(frame),
        "assessed": int(frame.level.notna().sum()),
        "levels": levels(frame),
        "city": groups("city", frame),
        "industry": groups("industry_id", frame),
        "size": groups("size_class", frame),
        "cluster": groups("cluster_id", in_clusters),
        "dimension_mean": dims_frame.groupby("key").score.mean().to_dict(),
        "dimension_percent": dims_frame.groupby("key").percent.mean().to_dict(),
        "heatmap": {
            (cluster, key): value
            for (cluster, key), value in heat.groupby(["cluster_id", "key"]).percent.mean().items()
        },
        "gates": {
            (level, int(index)): len(sub)
            for (level, index), sub in gates_frame.groupby(["level", "index"])
        },
        "gates_by_version": {
            (int(version), level, int(index)): len(sub)
            for (version, level, index), sub in gates_frame.groupby(["version", "level", "index"])
        },
    }
