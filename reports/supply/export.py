"""An anchor firm's supplier rows for a spreadsheet: a header and a generator of tuples.

Consent-filtered like the dashboard (``supply_facts(..., audience="anchor")``): a link
that is not accepted gives one row with the anchor's own labels (name, code, tier,
tags) and its status, every other cell empty. An accepted link gives one row per
requirement that applies to it (framework, level, total and dimension percents of the
latest attested result of that framework, whether it is met, the gaps, the deadline);
with no requirement, one row per framework it holds an attested result of, or one
row without a result.

Links are read in chunks (``CHUNK`` links, a fixed number of queries each), so memory
stays flat however long the list; a writer such as openpyxl's write-only workbook
streams the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from enterprises.models import Enterprise, SupplierLink

from .facts import FrameworkInfo, LinkFacts, SupplyFacts, supply_facts
from .present import gap_text, percent_text, status_label

CHUNK = 1000


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


def _dimensions_text(percents: dict[str, Any], info: FrameworkInfo | None) -> str:
    if info is None:
        return "; ".join(f"{key} {percent_text(value)}" for key, value in percents.items())
    return "; ".join(
        f"{name} {percent_text(percents[key])}"
        for key, name in info.scored_dimensions()
        if key in percents
    )


def _rows_of(fact: LinkFacts, found: SupplyFacts) -> Iterator[tuple[Any, ...]]:
    base = (fact.name, fact.uscc, fact.tier, "、".join(fact.tags), status_label(fact.status))
    if not fact.shared:
        yield (*base, "", "", None, "", "", "", None)
        return

    def result_cells(framework_id: int) -> tuple[Any, ...]:
        info = found.frameworks.get(framework_id)
        latest = fact.latest(framework_id)
        title = info.title if info else ""
        if latest is None:
            return (title, "", None, "")
        return (
            title,
            info.level_name(latest.level) if info else (latest.level or ""),
            float(latest.total) if latest.total is not None else None,
            _dimensions_text(latest.percents, info),
        )

    if fact.checks:
        for requirement, check in fact.checks:
            info = found.frameworks.get(requirement.framework_id)
            yield (
                *base,
                *result_cells(requirement.framework_id),
                _("Yes") if check.met else _("No"),
                "; ".join(gap_text(gap, info) for gap in check.gaps),
                check.deadline,
            )
        return
    frameworks = sorted(fact.attested, key=lambda i: found.frameworks[i].code)
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
        for start in range(0, len(ids), chunk):
            found = supply_facts(
                SupplierLink.objects.filter(pk__in=ids[start : start + chunk]), today=today
            )
            for fact in found.links:
                yield from _rows_of(fact, found)

    return export_header(), rows()
