"""Anchor firms' chain coverage: how many of their suppliers are assessed, and how many
stand at the level the anchor requires.

An anchor firm is an enterprise in scope (and in the filters) with accepted supplier
links. Only suppliers inside the officer's scope are counted: every number stays in
scope, so a supplier registered elsewhere appears only in ``suppliers_total`` (the
anchor's own count of accepted links). "At the required level" follows the anchor's
``SupplyRequirement`` rows on the framework that apply to the link (every supplier, the
link's tier, or a tag the link carries): the supplier's settled level must rank at or
above the highest minimum level among them. This is the level part of
reports/requirements.py's rule; a requirement's minimum dimension scores and its
deadline are not applied here (``supplier_at_required_level`` is the one place to
extend). Links without an applicable requirement do not count towards that share.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Case, Count, F, FilteredRelation, OuterRef, Q, Subquery, Value, When

from enterprises.models import SupplierLink
from reports.models import SupplyRequirement
from reports.selectors import benchmark_min_group

from .scope import AnalyticsFilters, AnalyticsScope
from .suppression import enough

# A minimum level the framework does not know can never be met.
_UNREACHABLE = 32767


class JSONListHas(models.Func):
    """Whether a JSON list (``tags``) holds a text value; a boolean SQL expression."""

    output_field = models.BooleanField()
    arity = 2

    def _sides(self, compiler: Any) -> tuple[str, str, list[Any]]:
        lhs, lhs_params = compiler.compile(self.source_expressions[0])
        rhs, rhs_params = compiler.compile(self.source_expressions[1])
        return lhs, rhs, [*lhs_params, *rhs_params]

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        lhs, rhs, params = self._sides(compiler)
        # Both sides are compiled SQL expressions with their own parameters.
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value = {rhs})"  # noqa: S608
        return sql, params

    def as_postgresql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        lhs, rhs, params = self._sides(compiler)
        return f"({lhs} @> jsonb_build_array({rhs}))", params


def required_rank(filters: AnalyticsFilters) -> Subquery:
    """Per supplier link (the outer row): the rank of the highest minimum level among the
    anchor's requirements on the framework that apply to the link; NULL when none does."""
    ranks = Case(
        *[
            When(min_level_code=code, then=Value(rank))
            for rank, (code, _name) in enumerate(filters.framework.levels, start=1)
        ],
        default=Value(_UNREACHABLE),
        output_field=models.IntegerField(),
    )
    applicable = SupplyRequirement.objects.filter(
        anchor_id=OuterRef("anchor_id"), framework_id=filters.framework.id
    ).filter(
        Q(group=SupplyRequirement.Group.ALL)
        | Q(group=SupplyRequirement.Group.TIER, tier=OuterRef("tier"))
        | (Q(group=SupplyRequirement.Group.TAG) & JSONListHas(OuterRef("tags"), F("tag")))
    )
    return Subquery(applicable.annotate(rank=ranks).order_by("-rank").values("rank")[:1])


def supplier_at_required_level() -> Q:
    """The condition, on an annotated link (``required``: required_rank, ``ss``: the
    supplier's settled result), that the supplier meets the anchor's requirement."""
    return Q(required__isnull=False, ss__level_rank__gte=F("required"))


def anchor_chain_coverage(
    scope: AnalyticsScope, filters: AnalyticsFilters, *, limit: int = 20
) -> dict[str, Any]:
    """Coverage of each anchor firm in scope and of all of them together.

    Returns {"anchors": the `limit` anchors with the most suppliers in scope, "count":
    how many anchors, "total": the sums}; each row has suppliers_total, suppliers (in
    scope), assessed, assessed_share, with_requirement, at_required, at_required_share
    (None when fewer than K of the suppliers under a requirement are assessed:
    ``suppressed``). One grouped query whatever the number of links.
    """
    min_group = benchmark_min_group()
    in_scope = scope.q("supplier")
    required = Q(required__isnull=False)
    rows = list(
        SupplierLink.objects.filter(status=SupplierLink.Status.ACCEPTED, supplier__isnull=False)
        .filter(scope.q("anchor"))
        .filter(filters.q("anchor"))
        .annotate(
            ss=FilteredRelation(
                "supplier__settled_results",
                condition=Q(supplier__settled_results__framework_id=filters.framework.id),
            ),
            required=required_rank(filters),
        )
        .values("anchor_id", "anchor__name")
        .annotate(
            suppliers_total=Count("id"),
            suppliers=Count("id", filter=in_scope),
            assessed=Count("ss__id", filter=in_scope),
            with_requirement=Count("id", filter=in_scope & required),
            assessed_with_requirement=Count("ss__id", filter=in_scope & required),
            at_required=Count("id", filter=in_scope & supplier_at_required_level()),
        )
        .order_by()
    )
    keys = (
        "suppliers_total",
        "suppliers",
        "assessed",
        "with_requirement",
        "assessed_with_requirement",
        "at_required",
    )
    total = {key: sum(row[key] for row in rows) for key in keys}

    def shaped(row: dict[str, Any], *, anchor_id: int | None, name: str) -> dict[str, Any]:
        shown = enough(row["assessed_with_requirement"], min_group)
        return {
            "anchor_id": anchor_id,
            "name": name,
            **{key: row[key] for key in keys},
            "outside_scope": row["suppliers_total"] - row["suppliers"],
            "assessed_share": (
                round(100 * row["assessed"] / row["suppliers"], 1) if row["suppliers"] else None
            ),
            "at_required": row["at_required"] if shown else None,
            "at_required_share": (
                round(100 * row["at_required"] / row["with_requirement"], 1)
                if shown and row["with_requirement"]
                else None
            ),
            "suppressed": 0 < row["assessed_with_requirement"] < min_group,
        }

    rows.sort(key=lambda r: (-r["suppliers"], -r["suppliers_total"], r["anchor__name"]))
    return {
        "count": len(rows),
        "anchors": [
            shaped(row, anchor_id=row["anchor_id"], name=row["anchor__name"])
            for row in rows[:limit]
        ],
        "total": shaped(total, anchor_id=None, name=""),
    }
