"""An anchor firm's supplier rows for a spreadsheet: a header and a generator of tuples.

Consent-filtered like the dashboard (``supply_facts(..., audience="anchor")``): a link
that is not accepted gives one row with the anchor's own labels (name, code, tier,
tags) and its status, every other cell empty. An accepted link gives one row per
requirement that applies to it (framework, level, total and dimension percents of the
latest attested result of that framework, whether it is met, the gaps, the deadline);
with no requirement, one row per framework it holds an attested result of, or one
row without a result.

Links are read in chunks (``CHUNK`` links, a fixed number of queries each), so memory
stays bounded however long the list; a writer such as openpyxl's write-only workbook
streams the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from enterprises.models import Enterprise, SupplierLink

from .facts import FrameworkInfo, LinkFacts, SupplyFacts, supply_facts
from .present import STATUS_LABELS, gap_text, percent_text, status_label

CHUNK = 5000


def export_header() -> tuple[str, ...]:
    return (
        _("Supplier"),
        _("Unified social credit code"),
        _("Tier"),
        _("Tags"),
        _("Status"),
        _("Framework"),
        _("Level"),
        _("Total"),
        _("Dimension scores"),
        _("Requirement met"),
        _("Gaps"),
        _("Deadline"),
    )


class _Labels:
    """Localised names computed once per export rather than once per row."""

    def __init__(self, found: SupplyFacts) -> None:
        self.frameworks = found.frameworks
        self.statuses = {status: status_label(status) for status in STATUS_LABELS}
        self.titles: dict[int, str] = {}
        self.levels: dict[int, dict[str | None, str]] = {}
        self.dimensions: dict[int, list[tuple[str, str]]] = {}
        self.yes, self.no = _("Yes"), _("No")

    def framework(self, framework_id: int) -> FrameworkInfo | None:
        info = self.frameworks.get(framework_id)
        if info is not None and framework_id not in self.titles:
            self.titles[framework_id] = info.title
            self.levels[framework_id] = {
                level.code: info.level_name(level.code) for level in info.compiled.levels
            }
            self.levels[framework_id][None] = info.level_name(None)
            self.dimensions[framework_id] = info.scored_dimensions()
        return info

    def dimensions_text(self, framework_id: int, percents: dict[str, Any]) -> str:
        if framework_id not in self.dimensions:
            return "; ".join(f"{key} {percent_text(value)}" for key, value in percents.items())
        return "; ".join(
            f"{name} {percent_text(percents[key])}"
            for key, name in self.dimensions[framework_id]
            if key in percents
        )


def _rows_of(fact: LinkFacts, labels: _Labels) -> Iterator[tuple[Any, ...]]:
    status = labels.statuses.get(fact.status, fact.status)
    base = (fact.name, fact.uscc, fact.tier, "、".join(fact.tags), status)
    if not fact.shared:
        yield (*base, "", "", None, "", "", "", None)
        return

    def result_cells(framework_id: int) -> tuple[Any, ...]:
        info = labels.framework(framework_id)
        latest = fact.latest(framework_id)
        title = labels.titles.get(framework_id, "")
        if latest is None:
            return (title, "", None, "")
        level = (
            labels.levels[framework_id].get(latest.level, latest.level or "")
            if info
            else (latest.level or "")
        )
        return (
            title,
            level,
            float(latest.total) if latest.total is not None else None,
            labels.dimensions_text(framework_id, latest.percents),
        )

    if fact.checks:
        for requirement, check in fact.checks:
            info = labels.framework(requirement.framework_id)
            yield (
                *base,
                *result_cells(requirement.framework_id),
                labels.yes if check.met else labels.no,
                "; ".join(gap_text(gap, info) for gap in check.gaps),
                check.deadline,
            )
        return
    frameworks = sorted(fact.attested, key=lambda i: labels.frameworks[i].code)
    if not frameworks:
        yield (*base, "", "", None, "", "", "", None)
    for framework_id in frameworks:
        yield (*base, *result_cells(framework_id), "", "", None)


def anchor_supplier_export_rows(
    anchor: Enterprise, *, today: dt.date | None = None, chunk: int = CHUNK
) -> tuple[tuple[str, ...], Iterator[tuple[Any, ...]]]:
    """(header, rows) of ``anchor``'s suppliers, ordered by tier and name.

    Columns: supplier name, USCC, tier, tags, status, framework, level, total,
    dimension percents, requirement met, gaps, deadline (a date). One query for the
    link ids, then a fixed number per ``chunk`` links as the rows are consumed.
    """
    ids = list(
        SupplierLink.objects.filter(anchor=anchor)
        .order_by("tier", "supplier_name", "id")
        .values_list("pk", flat=True)
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        if len(ids) <= chunk:  # one pass: the anchor's links as a subquery, no id lists
            batches = [SupplierLink.objects.filter(anchor=anchor)]
        else:
            batches = [
                SupplierLink.objects.filter(pk__in=ids[start : start + chunk])
                for start in range(0, len(ids), chunk)
            ]
        labels: _Labels | None = None
        for batch in batches:
            found = supply_facts(batch, today=today)
            labels = labels or _Labels(found)
            for fact in found.links:
                yield from _rows_of(fact, labels)

    return export_header(), rows()
