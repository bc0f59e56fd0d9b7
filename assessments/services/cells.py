"""Settled cells (``SettledCell``): enterprises and settled results counted by city,
industry, size class and cluster, kept by increments in the transaction of each change.

Who changes what the cells count, and how they follow:

- settled results: ``assessments.services.settled`` passes the rows it replaces and the
  rows it writes to ``settled_changed``;
- enterprises (registration, profile edits, deletion), cluster memberships and the
  deletion of a settled assessment (its settled result goes with it): model signals,
  connected by ``connect()`` when the app is ready, so every save through the ORM
  counts, whichever service or admin page made it;
- bulk loads that bypass both (COPY, ``bulk_create``, ``QuerySet.update``): rebuild with
  ``cells_rebuild`` (``manage.py rebuild_settled_results`` does, and beat nightly).

An increment is an upsert adding to the row (``n = n + excluded.n``), so two
transactions counting into the same cell both land. Keys are applied in sorted order,
so two transactions never wait on each other's cells in opposite orders. Enterprises
are locked before their cells are read from their rows, so that a profile edit and a
settlement of the same enterprise take turns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Substr
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from assessments.models import (
    CELL_ENTERPRISES,
    CELL_KEY_FIELDS,
    CELL_NO_GATE,
    CELL_NOT_A_LEVEL,
    DIMENSION_SLOTS,
    Assessment,
    Framework,
    SettledCell,
    SettledResult,
)
from assessments.signals import settled_results_changed
from enterprises.models import Cluster, Enterprise

KEY_FIELDS = CELL_KEY_FIELDS
DIMENSION_FIELDS = tuple(f"dimension_{slot}" for slot in range(1, DIMENSION_SLOTS + 1))
MEASURE_FIELDS = ("n", "percent_sum", "percent_n", *DIMENSION_FIELDS)
# What a settled result contributes, read from its row.
SETTLED_FIELDS = (
    "enterprise_id",
    "framework_id",
    "framework_version_id",
    "level_code",
    "percent",
    "missed_gates",
    *DIMENSION_FIELDS,
)
FACET_FIELDS = ("city", "industry", "size_class")
_ZERO = (0.0,) * len(MEASURE_FIELDS)
_ONE = (1.0, *_ZERO[1:])


@dataclass(frozen=True)
class Facet:
    """Where an enterprise is counted: city (four digits), industry, size class."""

    city: str
    industry: str
    size_class: str

    @classmethod
    def of(cls, region_id: str, industry_id: str, size_class: str) -> Facet:
        return cls(city=str(region_id)[:4], industry=str(industry_id), size_class=size_class)


def _bits(mask: int) -> Iterable[int]:
    index = 0
    while mask:
        if mask & 1:
            yield index
        mask >>= 1
        index += 1


def _settled_vector(row: Mapping[str, Any]) -> tuple[float, ...]:
    percent = row["percent"]
    return (
        1.0,
        float(percent) if percent is not None else 0.0,
        1.0 if percent is not None else 0.0,
        *(float(row[name]) if row[name] is not None else 0.0 for name in DIMENSION_FIELDS),
    )


class Delta:
    """Increments to cells, netted by key before they are written."""

    def __init__(self) -> None:
        self.cells: dict[tuple, list[float]] = {}

    def _add(self, key: tuple, vector: tuple[float, ...], sign: int) -> None:
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = [0.0] * len(MEASURE_FIELDS)
        for i, value in enumerate(vector):
            if value:
                cell[i] += sign * value

    def enterprise(self, facet: Facet, clusters: Iterable[str], sign: int) -> None:
        """Count an enterprise (sign 1) or uncount it (-1) in `clusters` ("" is all)."""
        for cluster in clusters:
            key = (CELL_ENTERPRISES, facet.city, facet.industry, facet.size_class, cluster)
            self._add((*key, CELL_ENTERPRISES, CELL_NOT_A_LEVEL, CELL_NO_GATE), _ONE, sign)

    def settled(
        self, facet: Facet, clusters: Iterable[str], row: Mapping[str, Any], sign: int
    ) -> None:
        """Count a settled result (a row of SETTLED_FIELDS) in `clusters`, or uncount it."""
        vector = _settled_vector(row)
        gates = list(_bits(int(row["missed_gates"] or 0)))
        for cluster in clusters:
            key = (
                row["framework_id"],
                facet.city,
                facet.industry,
                facet.size_class,
                cluster,
                row["framework_version_id"],
                row["level_code"],
            )
            self._add((*key, CELL_NO_GATE), vector, sign)
            for gate in gates:
                self._add((*key, gate), _ONE, sign)

    def apply(self) -> int:
        """Write the increments (those that net to nothing are skipped); return how many
        cells changed."""
        changed = sorted(
            (key, cell) for key, cell in self.cells.items() if any(value for value in cell)
        )
        self.cells = {}
        if not changed:
            return 0
        table = connection.ops.quote_name(SettledCell._meta.db_table)
        columns = (*KEY_FIELDS, *MEASURE_FIELDS)
        row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
        updates = ", ".join(
            f"{connection.ops.quote_name(name)} = {table}.{connection.ops.quote_name(name)}"
            f" + excluded.{connection.ops.quote_name(name)}"
            for name in MEASURE_FIELDS
        )
        # Identifiers only, from this module's constants; values go as parameters.
        head = (
            f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)})"  # noqa: S608
            " VALUES "
        )
        tail = (
            f" ON CONFLICT ({', '.join(connection.ops.quote_name(c) for c in KEY_FIELDS)})"
            f" DO UPDATE SET {updates}"
        )
        # As many rows per statement as the database takes parameters for (SQLite's
        # limit is the tightest), and at most a thousand.
        batch = max(1, min(1000, connection.ops.bulk_batch_size(columns, changed)))
        with connection.cursor() as cursor:
            for start in range(0, len(changed), batch):
                chunk = changed[start : start + batch]
                params: list[Any] = []
                for key, cell in chunk:
                    params.extend(key)
                    params.extend(cell)
                cursor.execute(head + ", ".join([row_sql] * len(chunk)) + tail, params)
        return len(changed)


def _lock(enterprise_ids: Iterable[int]) -> None:
    """Lock the enterprises' rows (in id order) when inside a transaction."""
    ids = sorted(set(enterprise_ids))
    if ids and connection.in_atomic_block:
        list(
            Enterprise.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def facets(enterprise_ids: Iterable[int]) -> dict[int, tuple[Facet, tuple[str, ...]]]:
    """Each enterprise's facet and clusters (two queries)."""
    ids = list(set(enterprise_ids))
    if not ids:
        return {}
    clusters: dict[int, list[str]] = {}
    for enterprise_id, cluster in Enterprise.clusters.through.objects.filter(
        enterprise_id__in=ids
    ).values_list("enterprise_id", "cluster_id"):
        clusters.setdefault(enterprise_id, []).append(cluster)
    return {
        pk: (Facet.of(region, industry, size), tuple(sorted(clusters.get(pk, ()))))
        for pk, region, industry, size in Enterprise.objects.filter(pk__in=ids).values_list(
            "pk", "region_id", "industry_id", "size_class"
        )
    }


def settled_rows(**where: Any) -> list[dict[str, Any]]:
    """Settled results as rows of SETTLED_FIELDS (one query)."""
    return list(SettledResult.objects.filter(**where).values(*SETTLED_FIELDS))


def settled_changed(
    before: list[Mapping[str, Any]], after: list[Mapping[str, Any]], *, announce: bool = True
) -> int:
    """Move the cells from the settled results `before` (rows of SETTLED_FIELDS, as read
    before the change) to those `after`, and (with `announce`) tell the followers of
    ``settled_results_changed``. Call in the transaction of the change, after it, with
    the enterprises locked. Two queries and the writes."""
    if not before and not after:
        return 0
    found = facets(row["enterprise_id"] for row in (*before, *after))
    if announce:
        settled_results_changed.send(sender=SettledResult, enterprise_ids=set(found))
    delta = Delta()
    for rows, sign in ((before, -1), (after, 1)):
        for row in rows:
            facet, clusters = found[row["enterprise_id"]]
            delta.settled(facet, ("", *clusters), row, sign)
    return delta.apply()


def _enterprise_moved(
    delta: Delta,
    enterprise_id: int,
    facet: Facet,
    clusters: Iterable[str],
    sign: int,
    rows: list[dict[str, Any]],
) -> None:
    clusters = tuple(clusters)
    delta.enterprise(facet, clusters, sign)
    for row in rows:
        delta.settled(facet, clusters, row, sign)


# ---- signal receivers -----------------------------------------------------------------

_OLD = "_settled_cells_before"


def _enterprise_pre_save(sender: Any, instance: Enterprise, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or instance._state.adding:
        return
    if update_fields is not None and not {"region", "industry", "size_class"} & {
        name.removesuffix("_id") for name in update_fields
    }:
        return
    _lock([instance.pk])
    old = (
        Enterprise.objects.filter(pk=instance.pk)
        .values_list("region_id", "industry_id", "size_class")
        .first()
    )
    setattr(instance, _OLD, Facet.of(*old) if old else None)


def _enterprise_post_save(sender: Any, instance: Enterprise, created: bool, **kwargs: Any) -> None:
    new = Facet.of(instance.region_id, instance.industry_id, instance.size_class)
    delta = Delta()
    if created:
        delta.enterprise(new, ("",), 1)
    else:
        old = instance.__dict__.pop(_OLD, None)
        if old is None or old == new:
            return
        clusters = ("", *facets([instance.pk]).get(instance.pk, (new, ()))[1])
        rows = settled_rows(enterprise_id=instance.pk)
        _enterprise_moved(delta, instance.pk, old, clusters, -1, rows)
        _enterprise_moved(delta, instance.pk, new, clusters, 1, rows)
    delta.apply()


def _enterprise_pre_delete(sender: Any, instance: Enterprise, **kwargs: Any) -> None:
    _lock([instance.pk])
    found = facets([instance.pk]).get(instance.pk)
    if found is None:
        return
    facet, clusters = found
    delta = Delta()
    _enterprise_moved(
        delta, instance.pk, facet, ("", *clusters), -1, settled_rows(enterprise_id=instance.pk)
    )
    delta.apply()


def _memberships_changed(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    """Cluster memberships added or removed, from either side (an enterprise's clusters
    or a cluster's enterprises)."""
    if action not in ("post_add", "pre_remove", "pre_clear"):
        return
    through = Enterprise.clusters.through
    if action == "pre_clear":
        pairs = through.objects.filter(
            **({"cluster_id": instance.pk} if reverse else {"enterprise_id": instance.pk})
        )
    else:
        wanted = list(pk_set or ())
        if reverse:  # instance is a cluster; pk_set holds enterprises
            pairs = through.objects.filter(cluster_id=instance.pk, enterprise_id__in=wanted)
        else:
            pairs = through.objects.filter(enterprise_id=instance.pk, cluster_id__in=wanted)
    # After an add the pairs are there; before a removal or clear, those present are
    # the ones going.
    found = list(pairs.values_list("enterprise_id", "cluster_id"))
    if not found:
        return
    sign = 1 if action == "post_add" else -1
    by_enterprise: dict[int, list[str]] = {}
    for enterprise_id, cluster in found:
        by_enterprise.setdefault(enterprise_id, []).append(cluster)
    _lock(by_enterprise)
    known = facets(by_enterprise)
    rows: dict[int, list[dict[str, Any]]] = {}
    for row in settled_rows(enterprise_id__in=list(by_enterprise)):
        rows.setdefault(row["enterprise_id"], []).append(row)
    delta = Delta()
    for enterprise_id, clusters in by_enterprise.items():
        if enterprise_id in known:
            facet = known[enterprise_id][0]
            _enterprise_moved(
                delta, enterprise_id, facet, clusters, sign, rows.get(enterprise_id, [])
            )
    delta.apply()


_GONE = "_settled_cells_gone"


def _assessment_pre_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Its settled result goes with it (a cascade): so do the result's cells. (Settled
    # assessments are never deleted by the services; a data repair might.)
    rows = settled_rows(assessment_id=instance.pk)
    if rows:
        _lock(row["enterprise_id"] for row in rows)
        settled_changed(rows, [], announce=False)
        # Followers hear of it once the result is gone (post_delete).
        instance.__dict__[_GONE] = {row["enterprise_id"] for row in rows}


def _assessment_post_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    gone = instance.__dict__.pop(_GONE, None)
    if gone:
        settled_results_changed.send(sender=SettledResult, enterprise_ids=gone)


def _cluster_pre_delete(sender: Any, instance: Cluster, **kwargs: Any) -> None:
    # Its memberships go with it (a cascade sends no m2m signal): so do its cells.
    SettledCell.objects.filter(cluster=instance.pk).delete()


def connect() -> None:
    """Connect the receivers that keep cells in step with enterprises and clusters."""
    uid = "settled_cells_"
    pre_save.connect(_enterprise_pre_save, sender=Enterprise, dispatch_uid=uid + "pre_save")
    post_save.connect(_enterprise_post_save, sender=Enterprise, dispatch_uid=uid + "post_save")
    pre_delete.connect(_enterprise_pre_delete, sender=Enterprise, dispatch_uid=uid + "delete")
    m2m_changed.connect(
        _memberships_changed, sender=Enterprise.clusters.through, dispatch_uid=uid + "clusters"
    )
    pre_delete.connect(_cluster_pre_delete, sender=Cluster, dispatch_uid=uid + "cluster_delete")
    pre_delete.connect(
        _assessment_pre_delete, sender=Assessment, dispatch_uid=uid + "assessment_delete"
    )
    post_delete.connect(
        _assessment_post_delete, sender=Assessment, dispatch_uid=uid + "assessment_deleted"
    )


# ---- rebuilding -------------------------------------------------------------------------


def computed_cells(framework_id: int | None) -> list[SettledCell]:
    """The cells of one framework (None: the enterprise counts) computed from the rows,
    unsaved. Two grouped queries (and one for the widest gate mask)."""
    out: list[SettledCell] = []
    if framework_id is None:
        base = Enterprise.objects.order_by().annotate(city=Substr("region_id", 1, 4))
        for by, cluster in (((), ""), (("clusters",), None)):
            queryset = base.filter(clusters__isnull=False) if by else base
            for row in queryset.values("city", "industry_id", "size_class", *by).annotate(
                n=Count("id")
            ):
                out.append(
                    SettledCell(
                        framework=CELL_ENTERPRISES,
                        city=row["city"],
                        industry=row["industry_id"],
                        size_class=row["size_class"],
                        cluster=row["clusters"] if by else cluster,
                        version=CELL_ENTERPRISES,
                        level_code=CELL_NOT_A_LEVEL,
                        gate=CELL_NO_GATE,
                        n=row["n"],
                    )
                )
        return out
    settled = SettledResult.objects.filter(framework_id=framework_id).order_by()
    widest = settled.aggregate(mask=Max("missed_gates"))["mask"] or 0
    gates = range(int(widest).bit_length())
    sums = {
        "n": Count("id"),
        "percent_sum": Sum("percent"),
        "percent_n": Count("percent"),
        **{name: Sum(name) for name in DIMENSION_FIELDS},
        **{f"g{gate}": Sum(F("missed_gates").bitrightshift(gate).bitand(1)) for gate in gates},
    }
    base = settled.annotate(
        city=Substr("enterprise__region_id", 1, 4),
        industry=F("enterprise__industry_id"),
        size=F("enterprise__size_class"),
    )
    for by in ((), ("enterprise__clusters",)):
        queryset = base.filter(enterprise__clusters__isnull=False) if by else base
        for row in queryset.values(
            "city", "industry", "size", *by, "framework_version_id", "level_code"
        ).annotate(**sums):
            key = {
                "framework": framework_id,
                "city": row["city"],
                "industry": row["industry"],
                "size_class": row["size"],
                "cluster": row["enterprise__clusters"] if by else "",
                "version": row["framework_version_id"],
                "level_code": row["level_code"],
            }
            out.append(
                SettledCell(
                    **key,
                    gate=CELL_NO_GATE,
                    n=row["n"],
                    percent_sum=row["percent_sum"] or 0.0,
                    percent_n=row["percent_n"],
                    **{name: row[name] or 0.0 for name in DIMENSION_FIELDS},
                )
            )
            for gate in gates:
                if row[f"g{gate}"]:
                    out.append(SettledCell(**key, gate=gate, n=row[f"g{gate}"]))
    return out


def _lock_cells() -> None:
    """Hold off writers of cells until this transaction ends (PostgreSQL; SQLite has one
    writer at a time anyway), so that a rebuild reads rows no one is still counting."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(SettledCell._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


@transaction.atomic
def cells_rebuild(framework_ids: Iterable[int] | None = None, *, enterprises: bool = True) -> int:
    """Recompute the cells of the frameworks named (all when None) and, with
    `enterprises`, the enterprise counts, in one transaction; return how many rows."""
    _lock_cells()
    if framework_ids is None:
        framework_ids = list(Framework.objects.order_by("pk").values_list("pk", flat=True))
    wanted: list[int | None] = [*([None] if enterprises else []), *framework_ids]
    written = 0
    for framework_id in wanted:
        SettledCell.objects.filter(framework=framework_id or CELL_ENTERPRISES).delete()
        written += len(
            SettledCell.objects.bulk_create(computed_cells(framework_id), batch_size=1000)
        )
    if connection.vendor == "postgresql":
        # The planner's statistics, for a table just rewritten: without them it sorts
        # where it should hash (the dashboards' sums take several times as long).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(SettledCell._meta.db_table)}")
    return written


def cells_drift(framework_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """Cells whose stored counts differ from the rows (none when all is well): each
    {key, stored, computed} with the measures that differ. For checks and tests."""
    if framework_ids is None:
        framework_ids = list(Framework.objects.order_by("pk").values_list("pk", flat=True))
    stored: dict[tuple, tuple] = {}
    query = Q(framework=CELL_ENTERPRISES) | Q(framework__in=list(framework_ids))
    for row in SettledCell.objects.filter(query).values_list(*KEY_FIELDS, *MEASURE_FIELDS):
        if row[len(KEY_FIELDS)]:  # n == 0: nothing counted there
            stored[row[: len(KEY_FIELDS)]] = row[len(KEY_FIELDS) :]
    computed: dict[tuple, tuple] = {}
    for framework_id in (None, *framework_ids):
        for cell in computed_cells(framework_id):
            computed[tuple(getattr(cell, f) for f in KEY_FIELDS)] = tuple(
                getattr(cell, f) for f in MEASURE_FIELDS
            )
    out = []
    for key in sorted(set(stored) | set(computed)):
        have, want = stored.get(key, _ZERO), computed.get(key, _ZERO)
        if any(abs(float(a) - float(b)) > 1e-6 for a, b in zip(have, want, strict=True)):
            out.append(
                {
                    "key": dict(zip(KEY_FIELDS, key, strict=True)),
                    "stored": dict(zip(MEASURE_FIELDS, have, strict=True)),
                    "computed": dict(zip(MEASURE_FIELDS, want, strict=True)),
                }
            )
    return out
