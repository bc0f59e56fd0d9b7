"""The grouped queries every analytics read rests on, and the fold of their rows into
groups. Shared by the dashboard selectors and the snapshot builder."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import BigIntegerField, Count, F, FilteredRelation, Q, QuerySet, Sum
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext as _

from assessments.models import (
    CELL_ENTERPRISES,
    CELL_NO_GATE,
    DIMENSION_SLOTS,
    GATE_BITS,
    FrameworkVersion,
    SettledCell,
)
from assessments.selectors import compiled_framework
from enterprises.models import Enterprise, SizeClass, region_prefix

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


def level_rows(
    scope: AnalyticsScope, filters: AnalyticsFilters, *by: str, details: bool = False
) -> list[dict]:
    """Enterprises grouped by `by` and settled level code (None: not assessed), with the
    count and the sum and count of total percents.

    With `details`, grouped by framework version too, with the sum of each dimension
    column (``d<slot>``, for the slots the framework's dimensions use) and for each
    gate index the number of enterprises missing that gate of their next level
    (``g<index>``). `by` may name ``city`` (the first four digits of the region code),
    ``industry_id``, ``size_class`` or ``clusters`` (an enterprise counts once in each
    of its clusters; enterprises in none are left out). One query.

    Summed from the settled cells (``SettledCell``: a few thousand rows, whatever the
    number of enterprises) when they can answer (``cells_filter``); otherwise grouped
    from the enterprises and their settled results.
    """
    cells = cells_filter(scope, filters, by)
    if cells is not None:
        return cell_rows(cells, filters, by, details=details)
    return scanned_level_rows(scope, filters, *by, details=details)


def scanned_level_rows(
    scope: AnalyticsScope, filters: AnalyticsFilters, *by: str, details: bool = False
) -> list[dict]:
    """``level_rows`` grouped from the enterprises and their settled results (one
    query, a scan of the scope's enterprises)."""
    sums: dict[str, Any] = {}
    version: tuple[str, ...] = ()
    if details:
        framework = filters.framework
        for slot in range(1, min(len(framework.dimensions), DIMENSION_SLOTS) + 1):
            sums[f"d{slot}"] = Sum(f"s__dimension_{slot}")
        for index in range(min(framework.max_gates, GATE_BITS)):
            sums[f"g{index}"] = Sum(F("s__missed_gates").bitrightshift(index).bitand(1))
        # Versions place the columns; grouping by them otherwise would only widen the
        # groups (and PostgreSQL would then sort instead of hashing).
        version = ("s__framework_version_id",)
    enterprises = scoped_enterprises(scope, filters)
    if "clusters" in by:
        # Only the clusters' members: those in none would only form a group to drop.
        enterprises = enterprises.filter(clusters__isnull=False)
    return list(
        enterprises.annotate(s=settled_join(filters), city=Substr("region_id", 1, 4))
        .values(*by, "s__level_code", *version)
        .annotate(
            n=Count("id"), percent_sum=Sum("s__percent"), percent_n=Count("s__percent"), **sums
        )
        .order_by()
    )


# What level_rows groups by, as settled cell columns.
CELL_COLUMNS = {
    "city": "city",
    "industry_id": "industry",
    "size_class": "size_class",
    "clusters": "cluster",
}
CELL_CITY_DIGITS = 4


def cells_filter(scope: AnalyticsScope, filters: AnalyticsFilters, by: Iterable[str]) -> Q | None:
    """The settled cells that add up to ``level_rows(scope, filters, *by)``, or None
    when cells cannot answer it exactly and the enterprises must be scanned:

    - a region finer than a city (a county-level scope or filter): cells count cities;
    - a breakdown by cluster within a cluster filter: cells do not count pairs of
      clusters;
    - several clusters in the scope, not broken down by cluster: an enterprise in two of
      them would count twice.

    Those are small scopes, where the scan is quick anyway.
    """
    if not scope.prefixes or any(len(p) > CELL_CITY_DIGITS for p in scope.prefixes):
        return None
    region = region_prefix(filters.region) if filters.region else None
    if region is not None and len(region) > CELL_CITY_DIGITS:
        return None
    q = Q()
    for prefix in scope.prefixes:
        q |= Q(city__startswith=prefix)
    if region is not None:
        q &= Q(city__startswith=region)
    if filters.industry:
        q &= Q(industry=filters.industry)
    if filters.size:
        q &= Q(size_class=filters.size)
    if "clusters" in by:
        if filters.cluster:
            return None
        # Members of each cluster the scope shows (all of them when it names none).
        q &= Q(cluster__in=scope.clusters) if scope.clusters else ~Q(cluster="")
    elif filters.cluster:
        q &= Q(cluster=filters.cluster)
    elif len(scope.clusters) == 1:
        q &= Q(cluster=scope.clusters[0])
    elif scope.clusters:
        return None
    else:
        q &= Q(cluster="")
    return q


def plain_rows(queryset: QuerySet) -> list[dict[str, Any]]:
    """A ``values()`` queryset's rows as the database driver returns them (one query),
    past Django's conversion of each value of each row: for the thousands of cells a
    province sums, that conversion took longer than the SQL. Only for columns that need
    none: text, and numbers the driver returns as int or float."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def cell_rows(
    cells: Q, filters: AnalyticsFilters, by: Iterable[str], *, details: bool
) -> list[dict]:
    """``level_rows``' rows summed from the settled cells `cells` selects (one query).

    The cells count each group's enterprises apart from its settled results, so the
    not assessed of a group are its enterprises less its settled results."""
    by = tuple(by)
    columns = [CELL_COLUMNS[name] for name in by]
    framework = filters.framework
    slots = range(1, min(len(framework.dimensions), DIMENSION_SLOTS) + 1)
    gates = min(framework.max_gates, GATE_BITS)
    found = SettledCell.objects.filter(
        cells, framework__in=[CELL_ENTERPRISES, framework.id], n__gt=0
    )
    found = found.filter(gate__lt=gates) if details else found.filter(gate=CELL_NO_GATE)
    sums: dict[str, Any] = {
        # Counts summed as integers (PostgreSQL's sum of bigints is a numeric).
        "n": Cast(Sum("n"), BigIntegerField()),
        "percent_sum": Sum("percent_sum"),
        "percent_n": Cast(Sum("percent_n"), BigIntegerField()),
        **({f"d{slot}": Sum(f"dimension_{slot}") for slot in slots} if details else {}),
    }
    version = ("version",) if details else ()
    enterprises: dict[tuple, int] = defaultdict(int)
    assessed: dict[tuple, int] = defaultdict(int)
    rows: dict[tuple, dict[str, Any]] = {}
    for cell in plain_rows(
        found.values(*columns, "framework", *version, "level_code", "gate")
        .annotate(**sums)
        .order_by()
    ):
        group = tuple(cell[column] for column in columns)
        if cell["framework"] == CELL_ENTERPRISES:
            enterprises[group] += cell["n"]
            continue
        key = (group, cell.get("version"), cell["level_code"])
        row = rows.get(key)
        if row is None:
            row = rows[key] = {
                **dict(zip(by, group, strict=True)),
                "s__level_code": cell["level_code"],
                "n": 0,
                "percent_sum": 0.0,
                "percent_n": 0,
            }
            if details:
                row["s__framework_version_id"] = cell["version"]
                row.update({f"d{slot}": 0.0 for slot in slots})
                row.update({f"g{index}": 0 for index in range(gates)})
        if cell["gate"] == CELL_NO_GATE:
            row.update({name: cell[name] for name in sums})
            assessed[group] += cell["n"]
        else:
            row[f"g{cell['gate']}"] = cell["n"]
    out = list(rows.values())
    for group, n in enterprises.items():
        if n > assessed[group]:
            out.append(
                {
                    **dict(zip(by, group, strict=True)),
                    "s__level_code": None,
                    **({"s__framework_version_id": None} if details else {}),
                    "n": n - assessed[group],
                    "percent_sum": None,
                    "percent_n": 0,
                }
            )
    return out


def compiled_versions(version_ids: Any, filters: AnalyticsFilters) -> dict[int, Any]:
    """Compiled frameworks of the versions named, the dashboard's own included.

    A version is read once for all the reads made with the same `filters` (one query for
    those not read yet, none when every one named was read before).
    """
    known = filters.compiled_versions
    known.setdefault(filters.framework.version_id, filters.framework.compiled)
    wanted = set(version_ids) - set(known)
    if wanted:
        # The document loads (one query each) only for a version not compiled yet.
        versions = (
            FrameworkVersion.objects.filter(pk__in=wanted).defer("definition", "source").order_by()
        )
        for version in versions:
            known[version.pk] = compiled_framework(version)
    named = {filters.framework.version_id, *version_ids}
    return {pk: framework for pk, framework in known.items() if pk in named}


@dataclass(frozen=True)
class VersionShape:
    """Where a framework version keeps things in a settled result: each dimension key's
    column slot (from 1) and maximum score, and the level above each level code ("" for
    below the first level; None above the top)."""

    dimensions: dict[str, tuple[int, float]]
    next_level: dict[str, str | None]


def version_shapes(rows: list[dict], filters: AnalyticsFilters) -> dict[int, VersionShape]:
    """The shape of each framework version among `rows` (grouped with `details`)."""
    return shapes_of_versions((row.get("s__framework_version_id") for row in rows), filters)


def shapes_of_versions(
    version_ids: Iterable[int | None], filters: AnalyticsFilters
) -> dict[int, VersionShape]:
    """The shape of each framework version named (None is skipped). The dashboard's own
    version needs no query; older ones are read once (their documents only when not
    compiled yet)."""
    wanted = set(version_ids) - {None}
    shapes = {}
    for version_id, framework in compiled_versions(wanted, filters).items():
        codes = ["", *[level.code for level in framework.levels]]
        shapes[version_id] = VersionShape(
            dimensions={
                d.key: (slot, float(d.maximum))
                for slot, d in enumerate(framework.dimensions, start=1)
                if slot <= DIMENSION_SLOTS
            },
            next_level={
                code: codes[i + 1] if i + 1 < len(codes) else None for i, code in enumerate(codes)
            },
        )
    return shapes


class Group:
    """Counts of one group of enterprises, folded from grouped rows: enterprises, per
    level, total percents, and (from rows grouped with `details`) per framework version
    the assessed count, the sum of each dimension column, and per level the number of
    enterprises missing each gate of the next level."""

    __slots__ = (
        "dimensions",
        "enterprises",
        "gates",
        "levels",
        "percent_n",
        "percent_sum",
        "versions",
    )

    def __init__(self) -> None:
        self.enterprises = 0
        self.levels: dict[str, int] = defaultdict(int)
        self.percent_sum = 0.0
        self.percent_n = 0
        self.versions: dict[int, int] = defaultdict(int)
        self.dimensions: dict[tuple[int, int], float] = defaultdict(float)
        self.gates: dict[tuple[int, str, int], int] = defaultdict(int)

    def add(self, level: str | None, n: int, percent_sum: Any = 0, percent_n: int = 0) -> None:
        self.enterprises += n
        if level is not None:
            self.levels[level] += n
            self.percent_sum += float(percent_sum or 0)
            self.percent_n += percent_n

    def add_row(self, row: dict[str, Any]) -> None:
        level = row["s__level_code"]
        self.add(level, row["n"], row["percent_sum"], row["percent_n"])
        version = row.get("s__framework_version_id")
        if version is None:
            return
        self.versions[version] += row["n"]
        slot = 1
        while f"d{slot}" in row:
            if row[f"d{slot}"] is not None:
                self.dimensions[(version, slot)] += float(row[f"d{slot}"])
            slot += 1
        index = 0
        while f"g{index}" in row:
            if row[f"g{index}"]:
                self.gates[(version, level, index)] += int(row[f"g{index}"])
            index += 1

    @property
    def assessed(self) -> int:
        return sum(self.levels.values())

    def dimension(
        self, key: str, shapes: dict[int, VersionShape]
    ) -> tuple[int, float | None, float | None]:
        """(assessed enterprises whose version has dimension `key`, their mean score, and
        their mean percent of the maximum; None when none or the dimension is unscored).
        `shapes` comes from ``version_shapes`` over the same rows."""
        n = 0
        score_sum = percent_sum = 0.0
        percent_n = 0
        for version, count in self.versions.items():
            found = shapes[version].dimensions.get(key) if version in shapes else None
            if found is None or (version, found[0]) not in self.dimensions:
                continue
            slot, maximum = found
            total = self.dimensions[(version, slot)]
            n += count
            score_sum += total
            if maximum > 0:
                percent_n += count
                percent_sum += total * 100 / maximum
        return (
            n,
            score_sum / n if n else None,
            percent_sum / percent_n if percent_n else None,
        )

    def gate_counts(self, shapes: dict[int, VersionShape]) -> list[dict[str, Any]]:
        """Enterprises missing each gate, by (version, the gate's level, index)."""
        out = []
        for (version, level, index), count in self.gates.items():
            upper = shapes[version].next_level.get(level) if version in shapes else None
            if upper:
                out.append(
                    {
                        "version_id": version,
                        "level_code": upper,
                        "gate_index": index,
                        "count": count,
                    }
                )
        return out

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
    shapes: dict[int, VersionShape] | None = None,
) -> dict[str, Any]:
    """A group as shown: counts, shares of the registered, per-level counts (not
    assessed first, then below the first level, then each level), and from rows grouped
    with `details` per-dimension figures and gate counts (raw: suppression is the
    caller's; `shapes` from ``version_shapes``). `link` holds the filter parameters
    selecting the group, for the drill-down links (None: no links)."""
    framework = filters.framework
    shapes = shapes or {}
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
        "dimensions": [
            dict(zip(("n", "mean", "mean_percent"), group.dimension(key, shapes), strict=True))
            for key, _name, _scored in framework.dimensions
        ],
        "gates": group.gate_counts(shapes),
        "link": link,
        "suppressed": False,
    }
