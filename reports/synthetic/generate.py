"""Generate and remove the synthetic population.

``synthetic_population_generate`` writes N enterprises and M assessments (with answers
and review trails) in batches of BATCH_ENTERPRISES enterprises, one transaction per
batch, then the anchors' supplier trees, then rebuilds the settled results the analytics
read (as after any bulk load). A batch's content depends only on the seed, the sizes,
the reference date and the batch number, so the result is the same for a seed whether
the batches run in one process or in several (``workers``, PostgreSQL only).
An interrupted run leaves the batches it finished: run again with ``replace``.
"""

from __future__ import annotations

import math
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import connection, connections, transaction
from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from assessments.models import (
    Answer,
    Assessment,
    FrameworkVersion,
    ReviewDecision,
    SettledResult,
)
from assessments.selectors import compiled_framework
from assessments.services.settled import settled_results_rebuild
from enterprises.models import Cluster, Enterprise, Region, SupplierLink
from reports.models import SupplyRequirement

from . import profile
from .history import (
    FRAMEWORK_CODES,
    FrameworkInfo,
    HistoryRows,
    Timeline,
    ValueCodec,
    history_rows,
    plan_history,
)
from .population import (
    MAX_ENTERPRISES,
    SYNTHETIC_TAG,
    Population,
    allocate,
)
from .population import Region as RegionRow
from .supply import requirement_rows, supplier_tree_rows
from .writer import TableRows, analyze, delete_where, reserve_ids, vacuum

BATCH_ENTERPRISES = 250  # part of what a seed means: changing it changes the population
ANCHORS_PER_BATCH = 20
DEFAULT_ASSESSMENTS_PER_ENTERPRISE = 4
# Most assessments one enterprise may get: one a quarter on each framework (raised when
# --assessments asks for more than a third of that on average).
MIN_CAP = 16

ENTERPRISE_FIELDS = (
    "id",
    "name",
    "uscc",
    "region",
    "industry",
    "employees",
    "revenue_10k_yuan",
    "size_class",
    "created_at",
    "updated_at",
)

# The tables a generation writes to.
GENERATED_MODELS = (
    Enterprise,
    Enterprise.clusters.through,
    Assessment,
    Answer,
    ReviewDecision,
    SupplierLink,
    SupplyRequirement,
)

Progress = Callable[[str, int, int], None]


class SyntheticDataPresent(Exception):
    """The database already holds synthetic enterprises (generate with replace)."""


class GenerationError(Exception):
    """The database lacks what generation needs, or the sizes are out of range."""


def synthetic_enterprises() -> QuerySet[Enterprise]:
    """The enterprises a generation wrote: their USCC carries SYNTHETIC_TAG."""
    return Enterprise.objects.annotate(_synthetic_tag=Substr("uscc", 9, 2)).filter(
        _synthetic_tag=SYNTHETIC_TAG
    )


def _synthetic_where() -> tuple[str, list[str]]:
    column = connection.ops.quote_name(Enterprise._meta.get_field("uscc").column)
    return f"SUBSTR({column}, 9, 2) = %s", [SYNTHETIC_TAG]


@transaction.atomic
def synthetic_population_delete() -> int:
    """Remove every synthetic enterprise and all that hangs off it (assessments,
    answers, reviews, supplier links, plans, certificates), in SQL; return how many
    enterprises went."""
    where, params = _synthetic_where()
    return delete_where(Enterprise, where, params)


@dataclass(frozen=True)
class Plan:
    """Everything a batch needs (worker processes inherit it when they fork)."""

    population: Population
    enterprises: int
    assessments: int
    timeline: Timeline
    frameworks: dict[str, FrameworkInfo]
    clusters: frozenset[str]
    cap: int

    @property
    def batches(self) -> int:
        return math.ceil(self.enterprises / BATCH_ENTERPRISES)

    def batch_indices(self, batch: int) -> range:
        start = batch * BATCH_ENTERPRISES
        return range(start, min(self.enterprises, start + BATCH_ENTERPRISES))

    def batch_quota(self, batch: int) -> int:
        """Assessments of a batch: the batches' quotas add up to exactly M."""
        indices = self.batch_indices(batch)
        n, m = self.enterprises, self.assessments
        return m * indices.stop // n - m * indices.start // n


@dataclass(frozen=True)
class BatchCounts:
    enterprises: int = 0
    assessments: int = 0
    answers: int = 0
    decisions: int = 0

    def __add__(self, other: BatchCounts) -> BatchCounts:
        return BatchCounts(
            self.enterprises + other.enterprises,
            self.assessments + other.assessments,
            self.answers + other.answers,
            self.decisions + other.decisions,
        )


@dataclass(frozen=True)
class GenerationReport:
    enterprises: int
    assessments: int
    answers: int
    decisions: int
    supplier_links: int
    replaced: int
    seconds: float
    phases: dict[str, float]  # seconds per phase: delete, enterprises, supplier trees, analyze


_codec = ValueCodec()


def generate_batch(plan: Plan, batch: int) -> BatchCounts:
    """Write one batch of enterprises with their clusters and assessment histories, in
    one transaction."""
    population = plan.population
    profiles = [population.enterprise(i) for i in plan.batch_indices(batch)]
    counts = allocate([p.participation for p in profiles], plan.batch_quota(batch), plan.cap)
    with transaction.atomic():
        enterprise_ids = reserve_ids(Enterprise, len(profiles))
        assessment_ids = iter(reserve_ids(Assessment, sum(counts)))
        enterprises = TableRows(Enterprise, ENTERPRISE_FIELDS)
        memberships = TableRows(Enterprise.clusters.through, ("enterprise", "cluster"))
        rows = HistoryRows()
        written = 0
        for enterprise, pk, count in zip(profiles, enterprise_ids, counts, strict=True):
            rng = population.rng("history", enterprise.index)
            registered, sequences = plan_history(
                enterprise, count, plan.frameworks, plan.timeline, rng
            )
            enterprises.add(
                (
                    pk,
                    enterprise.name,
                    enterprise.uscc,
                    enterprise.region,
                    enterprise.industry,
                    enterprise.employees,
                    enterprise.revenue_10k_yuan,
                    enterprise.size_class,
                    registered,
                    registered,
                )
            )
            for cluster in enterprise.clusters:
                if cluster in plan.clusters:
                    memberships.add((pk, cluster))
            written += history_rows(
                enterprise, pk, sequences, assessment_ids, plan.timeline, rng, rows, _codec
            )
        written_enterprises = enterprises.write()
        memberships.write()
        rows.assessments.write()
        answers = rows.answers.write()
        decisions = rows.decisions.write()
    return BatchCounts(written_enterprises, written, answers, decisions)


def _frameworks() -> dict[str, FrameworkInfo]:
    found = {}
    for code in FRAMEWORK_CODES:
        version = FrameworkVersion.objects.latest_published(code)
        if version is None:
            raise GenerationError(
                f"Framework {code} has no published version: run the migrations first."
            )
        fw = compiled_framework(version)
        found[code] = FrameworkInfo(
            code=code,
            framework_id=version.framework_id,
            version_id=version.pk,
            fw=fw,
            confirmation={level.code: level.confirmation for level in fw.levels},
            level_codes=tuple(level.code for level in fw.levels),
        )
    return found


def build_plan(*, enterprises: int, seed: int, assessments: int, as_of: date) -> Plan:
    """Check the sizes and read the reference data a generation needs."""
    if not 1 <= enterprises <= MAX_ENTERPRISES:
        raise GenerationError(f"--enterprises must be between 1 and {MAX_ENTERPRISES:,}.")
    if assessments < 0:
        raise GenerationError("--assessments must be zero or more.")
    regions = [
        RegionRow(code=code, name=name, city=parent or code)
        for code, name, parent in Region.objects.filter(
            level=Region.Level.DISTRICT, code__startswith="32"
        ).values_list("code", "name", "parent_id")
    ]
    if not regions:
        raise GenerationError("No Jiangsu regions: load the reference data (migrate) first.")
    return Plan(
        population=Population(seed, regions),
        enterprises=enterprises,
        assessments=assessments,
        timeline=Timeline.ending(as_of),
        frameworks=_frameworks(),
        clusters=frozenset(Cluster.objects.values_list("code", flat=True)),
        cap=max(MIN_CAP, math.ceil(3 * assessments / enterprises)),
    )


# Worker processes inherit the plan by fork rather than by pickling it.
_worker_plan: Plan | None = None


def _run_in_worker(batch: int) -> BatchCounts:
    assert _worker_plan is not None
    return generate_batch(_worker_plan, batch)


def _run_batches(plan: Plan, workers: int, progress: Progress | None) -> BatchCounts:
    global _worker_plan
    total = BatchCounts()
    # Workers need their own connections and commits: not on SQLite (one writer), not
    # inside a transaction (they would not see it, and it must not be closed under us).
    parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
    if workers <= 1 or not parallel or plan.batches == 1:
        for batch in range(plan.batches):
            total += generate_batch(plan, batch)
            if progress:
                progress("enterprises", total.enterprises, plan.enterprises)
        return total
    # Each worker opens its own connection: none may be inherited open.
    connections.close_all()
    _worker_plan = plan
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            for counts in pool.imap_unordered(_run_in_worker, range(plan.batches)):
                total += counts
                if progress:
                    progress("enterprises", total.enterprises, plan.enterprises)
    finally:
        _worker_plan = None
    return total


def _write_supplier_trees(plan: Plan, progress: Progress | None) -> int:
    anchors = range(0, plan.enterprises, profile.ANCHOR_EVERY)
    written = 0
    for start in range(0, len(anchors), ANCHORS_PER_BATCH):
        group = anchors[start : start + ANCHORS_PER_BATCH]
        with transaction.atomic():
            written += supplier_tree_rows(
                plan.population, group, plan.enterprises, plan.timeline
            ).write()
            requirement_rows(plan.population, group, plan.frameworks, plan.timeline).write()
        if progress:
            progress("supplier trees", start + len(group), len(anchors))
    return written


def _rebuild_settled_results(progress: Progress | None) -> None:
    """The assessments went in by COPY, past the services that keep the settled
    results: rebuild those of every framework generated."""
    for done, code in enumerate(FRAMEWORK_CODES):
        if progress:
            progress("settled results", done, len(FRAMEWORK_CODES))
        settled_results_rebuild(framework_codes=[code])
    if progress:
        progress("settled results", len(FRAMEWORK_CODES), len(FRAMEWORK_CODES))


def synthetic_population_generate(
    *,
    enterprises: int,
    seed: int,
    assessments: int | None = None,
    as_of: date | None = None,
    replace: bool = False,
    workers: int = 1,
    progress: Progress | None = None,
) -> GenerationReport:
    """Write a synthetic Jiangsu population of ``enterprises`` enterprises and
    ``assessments`` assessments (default 4 per enterprise) dated up to ``as_of``
    (default today). Raises SyntheticDataPresent if synthetic enterprises exist and
    ``replace`` is false; with ``replace`` they are deleted first. ``workers`` > 1
    generates batches in parallel processes on PostgreSQL outside a transaction (elsewhere
    the batches run one after the other)."""
    started = time.perf_counter()
    if assessments is None:
        assessments = DEFAULT_ASSESSMENTS_PER_ENTERPRISE * enterprises
    plan = build_plan(
        enterprises=enterprises,
        seed=seed,
        assessments=assessments,
        as_of=as_of or timezone.localdate(),
    )
    existing = synthetic_enterprises().count()
    replaced = 0
    phases: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = now - mark
        mark = now

    if existing:
        if not replace:
            raise SyntheticDataPresent(
                f"The database already holds {existing:,} synthetic enterprises."
            )
        if progress:
            progress("removing", 0, existing)
        replaced = synthetic_population_delete()
        vacuum(GENERATED_MODELS)
        if progress:
            progress("removing", existing, existing)
        lap("delete")
    counts = _run_batches(plan, workers, progress)
    lap("enterprises")
    links = _write_supplier_trees(plan, progress)
    lap("supplier trees")
    _rebuild_settled_results(progress)
    lap("settled results")
    analyze((*GENERATED_MODELS, SettledResult))
    lap("analyze")
    return GenerationReport(
        enterprises=counts.enterprises,
        assessments=counts.assessments,
        answers=counts.answers,
        decisions=counts.decisions,
        supplier_links=links,
        replaced=replaced,
        seconds=time.perf_counter() - started,
        phases=phases,
    )
