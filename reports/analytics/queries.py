"""The grouped queries every analytics read rests on, and the fold of their rows into
groups. Shared by the dashboard selectors and the snapshot builder."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Avg, Count, FilteredRelation, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from assessments.models import SettledDimension
from enterprises.models import Enterprise, SizeClass

from .scope import AnalyticsFilters, AnalyticsScope

# The level "code" of an assessed enterprise below the first level, and of one that is
# not assessed at all, in level distributions.
NO_LEVEL = ""
NOT_ASSESSED = "-"
SIZE_ORDER = [SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL, SizeClass.MICRO]


def settled_join(filters: AnalyticsFilters) -> FilteredRelation:
    """Each enterprise's settled result on the framework (a LEFT JOIN: one row or none)."""
    return FilteredRelation(
        "settled_results",
        condition=Q(settled_results__framework_id=filters.framework.id),
    )


def scoped_enterprises(scope: AnalyticsScope, filters: AnalyticsFilters) -> QuerySet[Enterprise]:
    """The enterprises in scope that the filters select (unordered, not evaluated)."""
    return Enterprise.objects.filter(scope.q()).filter(filters.q()).order_by()


def scoped(
    queryset: QuerySet[Any], prefix: str, scope: AnalyticsScope, filters: AnalyticsFilters
) -> QuerySet[Any]:
    """`queryset` limited to rows whose enterprise (at `prefix`) is in scope and filters."""
    return queryset.filter(scope.q(prefix)).filter(filters.q(prefix))


def level_rows(scope: AnalyticsScope, filters: AnalyticsFilters, *by: str) -> list[dict]:
    """Enterprises grouped by `by` and settled level code (None: not assessed), with the
    count and the sum and count of total percents. `by` may name ``city`` (the first
    four digits of the region code), ``industry_id``, ``size_class`` or ``clusters``
    (an enterprise counts once in each of its clusters; None for none). One query."""
    return list(
        scoped_enterprises(scope, filters)
        .annotate(s=settled_join(filters), city=Substr("region_id", 1, 4))
        .values(*by, "s__level_code")
        .annotate(n=Count("id"), percent_sum=Sum("s__percent"), percent_n=Count("s__percent"))
        .order_by()
    )


def dimension_rows(scope: AnalyticsScope, filters: AnalyticsFilters, *by: str) -> list[dict]:
    """Settled dimension scores grouped by `by` (paths from SettledDimension) and key:
    count, mean score, mean percent. One query."""
    return list(
        scoped(
            SettledDimension.objects.filter(settled__framework_id=filters.framework.id),
            "settled__enterprise",
            scope,
            filters,
        )
        .values(*by, "key")
        .annotate(n=Count("id"), mean=Avg("score"), mean_percent=Avg("percent"))
        .order_by()
    )


class Group:
    """Counts of one group of enterprises, folded from grouped rows."""

    __slots__ = ("enterprises", "levels", "percent_n", "percent_sum")

    def __init__(self) -> None:
        self.enterprises = 0
        self.levels: dict[str, int] = defaultdict(int)
        self.percent_sum = 0.0
        self.percent_n = 0

    def add(self, level: str | None, n: int, percent_sum: Any = 0, percent_n: int = 0) -> None:
        self.enterprises += n
        if level is not None:
            self.levels[level] += n
            self.percent_sum += float(percent_sum or 0)
            self.percent_n += percent_n

    def add_row(self, row: dict[str, Any]) -> None:
        self.add(row["s__level_code"], row["n"], row["percent_sum"], row["percent_n"])

    @property
    def assessed(self) -> int:
        return sum(self.levels.values())

    def to_data(self) -> dict[str, Any]:
        """Raw counts for a stored snapshot."""
        return {
            "enterprises": self.enterprises,
            "assessed": self.assessed,
            "levels": dict(self.levels),
            "percent": [round(self.percent_sum, 3), self.percent_n],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Group:
        group = cls()
        group.enterprises = int(data.get("enterprises", 0))
        for code, n in (data.get("levels") or {}).items():
            group.levels[code] += int(n)
        percent = data.get("percent") or [0, 0]
        group.percent_sum, group.percent_n = float(percent[0]), int(percent[1])
        return group


def share(part: int, whole: int) -> float | None:
    """`part` as a percent of `whole`, one decimal; None when `whole` is 0."""
    return round(100 * part / whole, 1) if whole else None


def group_out(
    key: str,
    name: str,
    group: Group,
    filters: AnalyticsFilters,
    link: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A group as shown: counts, shares of the registered, and per-level counts (not
    assessed first, then below the first level, then each level). `link` holds the
    filter parameters selecting the group, for the drill-down links (None: no links)."""
    framework = filters.framework
    assessed = group.assessed
    entries = [
        (NOT_ASSESSED, _("Not assessed"), group.enterprises - assessed, {"assessed": "no"}),
        (NO_LEVEL, framework.no_level_name, group.levels.get(NO_LEVEL, 0), {"level": "none"}),
        *[
            (code, name_, group.levels.get(code, 0), {"level": code})
            for code, name_ in framework.levels
        ],
    ]
    return {
        "key": key,
        "name": name,
        "enterprises": group.enterprises,
        "assessed": assessed,
        "assessed_share": share(assessed, group.enterprises),
        "levels": [
            {
                "code": code,
                "name": level_name,
                "count": count,
                "share": share(count, group.enterprises),
                "link": {**link, **extra} if link is not None else None,
            }
            for code, level_name, count, extra in entries
        ],
        "mean_percent": (
            round(group.percent_sum / group.percent_n, 1) if group.percent_n else None
        ),
        "link": link,
        "suppressed": False,
    }
