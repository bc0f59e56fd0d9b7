"""Who sees which enterprises, and which of them a request asks about.

``analytics_scope_for`` turns a bureau officer into an ``AnalyticsScope`` (region code
prefixes and, optionally, clusters); ``analytics_filters_parse`` reads the request's
filters (framework, cluster, region, industry, size class), naming every bad field.
Both return plain values whose ``q()`` builds the enterprise filter without a query, so
that every aggregate can apply it to whichever table it joins enterprises through.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.models import FrameworkVersion
from assessments.presenters import tr
from assessments.selectors import compiled_framework
from enterprises.errors import Forbidden, ValidationFailed
from enterprises.models import (
    BureauScope,
    Cluster,
    Enterprise,
    Industry,
    Region,
    SizeClass,
    region_prefix,
)


def _field(prefix: str, name: str) -> str:
    return f"{prefix}__{name}" if prefix else name


def in_clusters(codes: list[str] | tuple[str, ...], prefix: str) -> Q:
    # A subquery rather than a join, so an enterprise in two clusters counts once.
    members = Enterprise.clusters.through.objects.filter(cluster_id__in=list(codes))
    return Q(**{_field(prefix, "pk__in"): members.values("enterprise_id")})


def _region_q(prefixes: list[str] | tuple[str, ...], prefix: str) -> Q:
    """Enterprises whose region code starts with one of `prefixes` (none: nothing)."""
    if not prefixes:
        return Q(**{_field(prefix, "pk__in"): []})
    q = Q()
    for code_prefix in prefixes:
        q |= Q(**{_field(prefix, "region__code__startswith"): code_prefix})
    return q


@dataclass(frozen=True)
class AnalyticsScope:
    """A bureau officer's scope: region code prefixes (sorted) and clusters (sorted; none
    means every cluster). ``key`` names the scope canonically, so that officers with the
    same scope share stored snapshots."""

    prefixes: tuple[str, ...]
    clusters: tuple[str, ...] = ()
    bureau_name: str = ""

    @property
    def key(self) -> str:
        return f"r={','.join(self.prefixes)};c={','.join(self.clusters)}"

    @classmethod
    def from_key(cls, key: str) -> AnalyticsScope:
        parts = dict(part.split("=", 1) for part in key.split(";"))
        return cls(
            prefixes=tuple(p for p in parts.get("r", "").split(",") if p),
            clusters=tuple(c for c in parts.get("c", "").split(",") if c),
        )

    @classmethod
    def of(cls, scope: BureauScope) -> AnalyticsScope:
        """The scope of a BureauScope whose regions and clusters are prefetched or cheap."""
        prefixes = sorted({region_prefix(region.code) for region in scope.regions.all()})
        # A prefix inside another adds nothing (3205 within 32).
        kept = tuple(p for p in prefixes if not any(p != o and p.startswith(o) for o in prefixes))
        return cls(
            prefixes=kept,
            clusters=tuple(sorted(c.code for c in scope.clusters.all())),
            bureau_name=scope.bureau_name,
        )

    def q(self, prefix: str = "") -> Q:
        """Enterprises in scope; `prefix` is the path to the enterprise (``supplier``)."""
        q = _region_q(self.prefixes, prefix)
        if self.clusters:
            q &= in_clusters(self.clusters, prefix)
        return q

    def covers_cluster(self, code: str | None) -> bool:
        """Whether the cluster `code` is one the scope shows (None: no cluster)."""
        return code is not None and (not self.clusters or code in self.clusters)

    def covers_region(self, code: str) -> bool:
        """Whether the region `code` overlaps the scope (inside it, or containing part of it)."""
        wanted = region_prefix(code)
        return any(wanted.startswith(p) or p.startswith(wanted) for p in self.prefixes)


def analytics_scope_for(user: Any) -> AnalyticsScope:
    """The officer's scope; Forbidden for anyone who is not a bureau officer.

    Three queries (the scope, its regions, its clusters).
    """
    scope = getattr(user, "bureau_scope", None) if user.is_authenticated else None
    if scope is None:
        raise Forbidden(_("Cluster analytics are for industry-bureau officers."))
    return AnalyticsScope.of(scope)


@dataclass(frozen=True)
class FrameworkInfo:
    """The framework a dashboard is about, named from its latest published version."""

    id: int
    code: str
    version_id: int
    title: str
    levels: list[tuple[str, str]]  # (code, localised name), lowest first
    dimensions: list[tuple[str, str, bool]]  # (key, localised name, scored)
    no_level_name: str
    max_gates: int  # the most top-level gates any level has
    compiled: scoring.Framework = field(repr=False, compare=False)

    def level_name(self, code: str | None) -> str:
        if not code:
            return self.no_level_name
        return dict(self.levels).get(code, code)

    def rank(self, code: str) -> int:
        codes = [c for c, _n in self.levels]
        return codes.index(code) + 1 if code in codes else 0


def framework_info(version: FrameworkVersion) -> FrameworkInfo:
    """Names and order of a version's levels and dimensions, in the active language.

    `version` may defer its document: the compiled form is cached per process, so the
    document is read (one query) only the first time.
    """
    compiled = compiled_framework(version)
    return FrameworkInfo(
        id=version.framework_id,
        code=version.framework.code,
        version_id=version.pk,
        title=tr(compiled.title),
        levels=[(level.code, tr(level.name)) for level in compiled.levels],
        dimensions=[(d.key, tr(d.name), bool(d.maximum)) for d in compiled.dimensions],
        no_level_name=tr(compiled.no_level_name) or _("No level"),
        max_gates=max((len(level.gates) for level in compiled.levels), default=0),
        compiled=compiled,
    )


def framework_title(framework: Any) -> str:
    """A framework's title in the active language (the English one may be empty)."""
    return tr({"zh-hans": framework.title, "en": framework.title_en})


def published_versions() -> list[FrameworkVersion]:
    """The latest published version of each framework, by framework code (one query;
    documents deferred)."""
    versions = (
        FrameworkVersion.objects.published()
        .select_related("framework")
        .defer("definition", "source")
        .order_by("framework__code", "-published_at", "-id")
    )
    latest: dict[str, FrameworkVersion] = {}
    for version in versions:
        latest.setdefault(version.framework.code, version)
    return list(latest.values())


@dataclass(frozen=True)
class AnalyticsFilters:
    """What a request narrows the scope to. ``region`` is a region code (it selects by
    its code prefix); the others are codes or a size class."""

    framework: FrameworkInfo
    cluster: str | None = None
    region: str | None = None
    industry: str | None = None
    size: str | None = None
    frameworks: list[tuple[str, str]] = field(default_factory=list)  # every published one
    names: dict[str, str] = field(default_factory=dict)  # filter name -> localised value
    # The compiled framework versions the request's reads have needed so far, by version
    # id (queries.compiled_versions): the dashboard's reads name the same older versions
    # one after another, and each should not read them again.
    compiled_versions: dict[int, Any] = field(default_factory=dict, compare=False, repr=False)

    FIELDS = ("cluster", "region", "industry", "size")

    def q(self, prefix: str = "") -> Q:
        q = Q()
        if self.cluster:
            q &= in_clusters([self.cluster], prefix)
        if self.region:
            q &= Q(**{_field(prefix, "region__code__startswith"): region_prefix(self.region)})
        if self.industry:
            q &= Q(**{_field(prefix, "industry_id"): self.industry})
        if self.size:
            q &= Q(**{_field(prefix, "size_class"): self.size})
        return q

    def active(self) -> dict[str, str]:
        """The narrowing filters that are set, by name."""
        return {name: getattr(self, name) for name in self.FIELDS if getattr(self, name)}

    def params(self, **overrides: str | None) -> dict[str, str]:
        """Query parameters reproducing these filters (with `overrides`), for links."""
        values: dict[str, str | None] = {"framework": self.framework.code, **self.active()}
        values.update(overrides)
        return {k: v for k, v in values.items() if v}


def _one(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value or "").strip()


def analytics_filters_parse(scope: AnalyticsScope, params: Mapping[str, Any]) -> AnalyticsFilters:
    """Read framework, cluster, region, industry and size from `params`.

    A missing framework means the first published one (by code). Every unknown value,
    and a region or cluster outside the officer's scope, is reported under its own
    field name in one ValidationFailed. At most five queries.
    """
    errors: dict[str, list[str]] = {}
    versions = published_versions()
    code = _one(params, "framework")
    chosen = next((v for v in versions if v.framework.code == code), None) if code else None
    if code and chosen is None:
        errors["framework"] = [_("No published framework has this code.")]
    if not code:
        chosen = versions[0] if versions else None
        if chosen is None:
            errors["framework"] = [_("No framework is published yet.")]
    names: dict[str, str] = {}
    cluster = _one(params, "cluster") or None
    if cluster is not None:
        found = Cluster.objects.filter(pk=cluster).values_list("name", "name_en").first()
        if found is None:
            errors["cluster"] = [_("Unknown cluster.")]
        elif scope.clusters and cluster not in scope.clusters:
            errors["cluster"] = [_("This cluster is outside your scope.")]
        else:
            names["cluster"] = tr({"zh-hans": found[0], "en": found[1]})
    region = _one(params, "region") or None
    if region is not None:
        found = (
            Region.objects.filter(pk=region).values_list("name", "name_en").first()
            if len(region) == 6 and region.isdigit()
            else None
        )
        if found is None:
            errors["region"] = [_("Unknown region code (six digits, GB/T 2260).")]
        elif not scope.covers_region(region):
            errors["region"] = [_("This region is outside your scope.")]
        else:
            names["region"] = tr({"zh-hans": found[0], "en": found[1]})
    industry = _one(params, "industry") or None
    if industry is not None:
        found = Industry.objects.filter(pk=industry).values_list("name", "name_en").first()
        if found is None:
            errors["industry"] = [_("Unknown industry code (GB/T 4754 division, such as C34).")]
        else:
            names["industry"] = f"{industry} " + tr({"zh-hans": found[0], "en": found[1]})
    size = _one(params, "size") or None
    if size is not None:
        if size not in SizeClass.values:
            errors["size"] = [
                _("Choose one of: %(values)s.") % {"values": ", ".join(SizeClass.values)}
            ]
        else:
            names["size"] = str(SizeClass(size).label)
    if errors or chosen is None:
        raise ValidationFailed(_("Some filters are invalid."), errors=errors)
    infos = [(v.framework.code, framework_title(v.framework)) for v in versions]
    return AnalyticsFilters(
        framework=framework_info(chosen),
        cluster=cluster,
        region=region,
        industry=industry,
        size=size,
        frameworks=infos,
        names=names,
    )
