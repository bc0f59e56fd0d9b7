"""Bureau officers' exports, limited to the officer's scope (regions and clusters).

Two kinds:

- ``bureau.enterprises``: one row per enterprise in scope, with its latest counted
  level (submitted, pending review or confirmed) on each framework.
- ``bureau.assessments``: one row per counted assessment of one framework, with its
  answers flattened, one column per question key.

Framework versions and the answers' columns: a framework's versions share stable
question keys, so the assessments export is *wide by question key over the chosen
framework*: the columns are the questions of its latest published version in
questionnaire order, followed by any question that only older versions asked (so no
stored answer is dropped). Each row names the version it was answered on; a question
that version did not ask is an empty cell. Choices are written as their stored values
(``multi`` answers joined with ";"), booleans as TRUE/FALSE, numbers as numbers.
Drafts and assessments returned for changes are not exported: a draft is the
enterprise's work in progress and a returned one is superseded by its resubmission.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Assessment, Framework, FrameworkVersion
from assessments.presenters import lang, tr
from assessments.selectors import compiled_framework
from enterprises.errors import Forbidden
from enterprises.models import BureauScope, Cluster, Enterprise, Industry, Region, SizeClass
from enterprises.models import region_prefix as prefix_of
from reports.exports.registry import ExportKind, Row, register
from reports.selectors import COUNTED_STATUSES


def _name(obj: Any) -> str:
    """An object's name in the active language (English falls back to Chinese)."""
    english = getattr(obj, "name_en", "") if lang() == "en" else ""
    return str(english or obj.name)


def _title(framework: Framework) -> str:
    if lang() == "en" and framework.title_en:
        return framework.title_en
    return framework.title


def _scope_of(user: Any) -> BureauScope:
    scope = getattr(user, "bureau_scope", None) if user.is_authenticated else None
    if scope is None:
        raise Forbidden(_("Only bureau officers may request this export."))
    return scope


def _scope_region_q(scope: BureauScope, field: str = "code") -> Q:
    """Regions (or enterprises, with field="region_id") under the scope's prefixes."""
    q = Q(pk__in=[])
    for code in scope.regions.values_list("code", flat=True):
        q |= Q(**{f"{field}__startswith": prefix_of(code)})
    return q


def _published_frameworks() -> QuerySet[Framework]:
    published = FrameworkVersion.objects.published().values("framework_id")
    return Framework.objects.filter(pk__in=published).order_by("code")


def _local_text(value: datetime.datetime | None) -> str | None:
    """A timestamp as local time text (spreadsheets have no time zones)."""
    if value is None:
        return None
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _day_start(iso_date: str) -> datetime.datetime:
    day = datetime.date.fromisoformat(iso_date)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class BureauExportFilters(forms.Form):
    """Framework, region, cluster, industry and submission dates, within the scope."""

    framework_required = False

    framework = forms.ChoiceField(label=gettext_lazy("Framework"), required=False)
    region = forms.ChoiceField(
        label=gettext_lazy("Region"),
        required=False,
        help_text=gettext_lazy("A city or district inside your scope."),
    )
    cluster = forms.ChoiceField(label=gettext_lazy("Cluster"), required=False)
    industry = forms.ChoiceField(label=gettext_lazy("Industry"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("Submitted on or after"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Submitted on or before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = getattr(user, "bureau_scope", None) if user.is_authenticated else None
        frameworks = [(f.code, _title(f)) for f in _published_frameworks()]
        field = self.fields["framework"]
        field.required = self.framework_required
        field.choices = [  # type: ignore[attr-defined]
            ("", _("Choose a framework") if self.framework_required else _("All frameworks")),
            *frameworks,
        ]
        regions: list[tuple[str, str]] = []
        clusters: list[tuple[str, str]] = []
        if scope is not None:
            regions = [
                (r.code, f"{r.code} {_name(r)}")
                for r in Region.objects.filter(_scope_region_q(scope)).order_by("code")
            ]
            scoped = list(scope.clusters.all())
            chosen = scoped or Cluster.objects.filter(active=True)
            clusters = [(c.code, _name(c)) for c in chosen]
        self.fields["region"].choices = [("", _("Whole scope")), *regions]  # type: ignore[attr-defined]
        self.fields["cluster"].choices = [("", _("All clusters")), *clusters]  # type: ignore[attr-defined]
        self.fields["industry"].choices = [  # type: ignore[attr-defined]
            ("", _("All industries")),
            *((i.code, f"{i.code} {_name(i)}") for i in Industry.objects.all()),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class AssessmentExportFilters(BureauExportFilters):
    framework_required = True


class _BureauKind(ExportKind):
    def authorise(self, user: Any) -> None:
        _scope_of(user)

    def describe(self, user: Any, filters: dict[str, Any]) -> str:
        scope = _scope_of(user)
        parts = [
            _("Regions: %(names)s")
            % {"names": "、".join(_name(r) for r in scope.regions.order_by("code"))}
        ]
        clusters = list(scope.clusters.order_by("code"))
        if clusters:
            parts.append(_("Clusters: %(names)s") % {"names": "、".join(map(_name, clusters))})
        if code := filters.get("framework"):
            framework = Framework.objects.filter(code=code).first()
            parts.append(
                _("Framework: %(name)s") % {"name": _title(framework) if framework else code}
            )
        if code := filters.get("region"):
            region = Region.objects.filter(code=code).first()
            parts.append(_("Region: %(name)s") % {"name": _name(region) if region else code})
        if code := filters.get("cluster"):
            cluster = Cluster.objects.filter(code=code).first()
            parts.append(_("Cluster: %(name)s") % {"name": _name(cluster) if cluster else code})
        if code := filters.get("industry"):
            industry = Industry.objects.filter(code=code).first()
            name = f"{code} {_name(industry)}" if industry else code
            parts.append(_("Industry: %(name)s") % {"name": name})
        if filters.get("date_from") or filters.get("date_to"):
            parts.append(
                _("Submitted: %(start)s to %(end)s")
                % {"start": filters.get("date_from", "…"), "end": filters.get("date_to", "…")}
            )
        return "；".join(parts)


class _Lookups:
    """Names of regions, industries, clusters and size classes, loaded once per export
    (a few hundred small rows), so that rows never cost a query each."""

    def __init__(self) -> None:
        self.regions = {r.code: _name(r) for r in Region.objects.all()}
        self.industries = {i.code: _name(i) for i in Industry.objects.all()}
        self.clusters = {c.code: _name(c) for c in Cluster.objects.all()}
        self.sizes = {value: str(label) for value, label in SizeClass.choices}

    def clusters_of(self, enterprise_ids: list[int]) -> dict[int, str]:
        """Cluster names per enterprise, joined with ";" (one query for the batch)."""
        pairs = (
            Enterprise.clusters.through.objects.filter(enterprise_id__in=enterprise_ids)
            .order_by("enterprise_id", "cluster_id")
            .values_list("enterprise_id", "cluster_id")
        )
        out: dict[int, list[str]] = {}
        for enterprise_id, cluster_id in pairs:
            out.setdefault(enterprise_id, []).append(self.clusters.get(cluster_id, cluster_id))
        return {key: ";".join(names) for key, names in out.items()}


def _enterprises_in_scope(user: Any, filters: dict[str, Any]) -> QuerySet[Enterprise]:
    """The scope, narrowed by the region, cluster and industry filters."""
    _scope_of(user)
    enterprises = Enterprise.objects.in_scope_of(user)
    if code := filters.get("region"):
        enterprises = enterprises.filter(region__code__startswith=prefix_of(code))
    if code := filters.get("cluster"):
        members = Enterprise.clusters.through.objects.filter(cluster_id=code)
        enterprises = enterprises.filter(pk__in=members.values("enterprise_id"))
    if code := filters.get("industry"):
        enterprises = enterprises.filter(industry_id=code)
    return enterprises


def _submitted_between(filters: dict[str, Any], prefix: str = "") -> Q:
    q = Q()
    if start := filters.get("date_from"):
        q &= Q(**{f"{prefix}submitted_at__gte": _day_start(start)})
    if end := filters.get("date_to"):
        next_day = (datetime.date.fromisoformat(end) + datetime.timedelta(days=1)).isoformat()
        q &= Q(**{f"{prefix}submitted_at__lt": _day_start(next_day)})
    return q


def _level_of(level_code: str, confirmed_level_code: str) -> str:
    """The level that counts: the confirmed one if reviewed, else the self-assessed one."""
    return confirmed_level_code or level_code


# ---- enterprises with their latest level per framework --------------------------------


class EnterpriseRows:
    """One row per enterprise in scope: who it is, then per framework its latest counted
    level, total and submission time. Three queries per batch."""

    def __init__(self, user: Any, filters: dict[str, Any]) -> None:
        self.enterprises = _enterprises_in_scope(user, filters)
        frameworks = _published_frameworks()
        if code := filters.get("framework"):
            frameworks = frameworks.filter(code=code)
        self.frameworks = list(frameworks)
        self.level_names: dict[int, dict[str, str]] = {}
        for framework in self.frameworks:
            version = FrameworkVersion.objects.latest_published(framework.code)
            compiled = compiled_framework(version) if version else None
            names = {level.code: tr(level.name) for level in compiled.levels} if compiled else {}
            # "" is no level reached: the framework's own words for it.
            names[""] = (tr(compiled.no_level_name) if compiled else "") or _("No level")
            self.level_names[framework.pk] = names
        self.when = _submitted_between(filters)
        self.lookups = _Lookups()

    def headers(self) -> list[str]:
        headers = [
            _("Enterprise ID"),
            _("Enterprise name"),
            _("Unified social credit code"),
            _("Region code"),
            _("Region"),
            _("Industry code"),
            _("Industry"),
            _("Size class"),
            _("Clusters"),
            _("Employees"),
            _("Annual revenue (10,000 yuan)"),
        ]
        for framework in self.frameworks:
            title = _title(framework)
            headers += [
                _("%(framework)s: level") % {"framework": title},
                _("%(framework)s: level code") % {"framework": title},
                _("%(framework)s: total score") % {"framework": title},
                _("%(framework)s: submitted at") % {"framework": title},
            ]
        return headers

    def count(self) -> int:
        return self.enterprises.count()

    def batches(self, size: int) -> Iterator[list[Row]]:
        columns = (
            "pk",
            "name",
            "uscc",
            "region_id",
            "industry_id",
            "size_class",
            "employees",
            "revenue_10k_yuan",
        )
        framework_ids = [f.pk for f in self.frameworks]
        last = 0
        while True:
            page = list(
                self.enterprises.filter(pk__gt=last).order_by("pk").values_list(*columns)[:size]
            )
            if not page:
                return
            ids = [row[0] for row in page]
            clusters = self.lookups.clusters_of(ids)
            latest = self._latest(ids, framework_ids)
            rows: list[Row] = []
            for pk, name, uscc, region, industry, size_class, employees, revenue in page:
                row: list[Any] = [
                    pk,
                    name,
                    uscc,
                    region,
                    self.lookups.regions.get(region, ""),
                    industry,
                    self.lookups.industries.get(industry, ""),
                    self.lookups.sizes.get(size_class, size_class),
                    clusters.get(pk, ""),
                    employees,
                    float(revenue),
                ]
                for framework_id in framework_ids:
                    found = latest.get((pk, framework_id))
                    if found is None:
                        row += [None, None, None, None]
                        continue
                    code, total, submitted_at = found
                    names = self.level_names[framework_id]
                    row += [
                        names.get(code, code),
                        code or None,
                        float(total) if total is not None else None,
                        _local_text(submitted_at),
                    ]
                rows.append(row)
            yield rows
            last = ids[-1]

    def _latest(self, ids: list[int], framework_ids: list[int]) -> dict[tuple[int, int], Any]:
        """(enterprise, framework) -> (level code, total, submitted at) of the latest
        counted assessment: one query, newest first per pair (enterprises hold few)."""
        if not framework_ids:
            return {}
        assessments = (
            Assessment.objects.filter(
                self.when,
                enterprise_id__in=ids,
                framework_id__in=framework_ids,
                status__in=COUNTED_STATUSES,
            )
            .order_by("enterprise_id", "framework_id", "-submitted_at", "-id")
            .values_list(
                "enterprise_id",
                "framework_id",
                "level_code",
                "confirmed_level_code",
                "total",
                "submitted_at",
            )
        )
        latest: dict[tuple[int, int], Any] = {}
        for enterprise_id, framework_id, level, confirmed, total, submitted_at in assessments:
            key = (enterprise_id, framework_id)
            if key not in latest:
                latest[key] = (_level_of(level, confirmed), total, submitted_at)
        return latest


@register
class BureauEnterprisesExport(_BureauKind):
    code = "bureau.enterprises"
    label = gettext_lazy("Enterprises with their latest levels")
    description = gettext_lazy(
        "One row per enterprise in your scope, with its latest submitted level, total "
        "score and date on each framework. The dates filter the assessments counted."
    )
    filter_form_class = BureauExportFilters

    def source(self, user: Any, filters: dict[str, Any]) -> EnterpriseRows:
        return EnterpriseRows(user, filters)


# ---- assessments with their answers ----------------------------------------------------


def _cell(value: Any) -> Any:
    """An answer as a spreadsheet cell: lists joined with ";", the rest as stored."""
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    return value


class AssessmentRows:
    """One row per counted assessment of one framework in scope: the enterprise, the
    assessment's status, level and total, then one column per question key (see the
    module docstring). Two queries per batch."""

    def __init__(self, user: Any, filters: dict[str, Any]) -> None:
        code = filters["framework"]
        self.framework = Framework.objects.get(code=code)
        versions = list(
            FrameworkVersion.objects.filter(framework=self.framework)
            .exclude(status=FrameworkVersion.Status.DRAFT)
            .order_by("-published_at", "-id")
        )
        latest = FrameworkVersion.objects.latest_published(code)
        if latest is not None:
            versions.sort(key=lambda v: v.pk != latest.pk)  # the latest published first
        self.versions = {v.pk: v.version for v in versions}
        keys: list[str] = []
        seen: set[str] = set()
        level_names: dict[str, str] = {}
        for version in versions:
            compiled = compiled_framework(version)
            for question in compiled.iter_questions():
                if question.key not in seen:
                    seen.add(question.key)
                    keys.append(question.key)
            for level in compiled.levels:
                level_names.setdefault(level.code, tr(level.name))
            level_names.setdefault("", tr(compiled.no_level_name) or _("No level"))
        self.keys = keys
        self.level_names = level_names
        self.assessments = Assessment.objects.filter(
            _submitted_between(filters),
            framework=self.framework,
            status__in=COUNTED_STATUSES,
            enterprise__in=_enterprises_in_scope(user, filters).values("pk"),
        )
        self.statuses = {value: str(label) for value, label in Assessment.Status.choices}
        self.lookups = _Lookups()

    def headers(self) -> list[str]:
        return [
            _("Assessment ID"),
            _("Enterprise ID"),
            _("Enterprise name"),
            _("Unified social credit code"),
            _("Region code"),
            _("Region"),
            _("Industry code"),
            _("Industry"),
            _("Size class"),
            _("Clusters"),
            _("Framework version"),
            _("Status"),
            _("Submitted at"),
            _("Total score"),
            _("Self-assessed level"),
            _("Confirmed level"),
            _("Level code"),
            *self.keys,
        ]

    def count(self) -> int:
        return self.assessments.count()

    # The narrow columns read per page (benchmarks/bench_export.py reads the same).
    COLUMNS = (
        "pk",
        "enterprise_id",
        "enterprise__name",
        "enterprise__uscc",
        "enterprise__region_id",
        "enterprise__industry_id",
        "enterprise__size_class",
        "framework_version_id",
        "status",
        "submitted_at",
        "total",
        "level_code",
        "confirmed_level_code",
        "answers_snapshot",
    )

    def batches(self, size: int) -> Iterator[list[Row]]:
        columns = self.COLUMNS
        keys = self.keys
        names = self.level_names
        last = 0
        while True:
            page = list(
                self.assessments.filter(pk__gt=last).order_by("pk").values_list(*columns)[:size]
            )
            if not page:
                return
            clusters = self.lookups.clusters_of(sorted({row[1] for row in page}))
            rows: list[Row] = []
            for (
                pk,
                enterprise_id,
                name,
                uscc,
                region,
                industry,
                size_class,
                version_id,
                status,
                submitted_at,
                total,
                level,
                confirmed,
                answers,
            ) in page:
                answers = answers or {}
                rows.append(
                    [
                        pk,
                        enterprise_id,
                        name,
                        uscc,
                        region,
                        self.lookups.regions.get(region, ""),
                        industry,
                        self.lookups.industries.get(industry, ""),
                        self.lookups.sizes.get(size_class, size_class),
                        clusters.get(enterprise_id, ""),
                        self.versions.get(version_id, ""),
                        self.statuses.get(status, status),
                        _local_text(submitted_at),
                        float(total) if total is not None else None,
                        names.get(level, level),
                        names.get(confirmed, confirmed) if confirmed else None,
                        _level_of(level, confirmed) or None,
                        *(_cell(answers.get(key)) for key in keys),
                    ]
                )
            yield rows
            last = page[-1][0]


@register
class BureauAssessmentsExport(_BureauKind):
    code = "bureau.assessments"
    label = gettext_lazy("Assessments with their answers")
    description = gettext_lazy(
        "One row per submitted assessment of the chosen framework in your scope, one "
        "column per question (by question key, over every version of the framework)."
    )
    filter_form_class = AssessmentExportFilters

    def source(self, user: Any, filters: dict[str, Any]) -> AssessmentRows:
        return AssessmentRows(user, filters)
