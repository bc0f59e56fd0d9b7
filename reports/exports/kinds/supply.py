"""An anchor firm's suppliers with their levels, statuses and requirement gaps.

The rows are the supply-chain dashboard's export rows (reports/supply/export.py), so
consent is enforced where they are built: a supplier that has not accepted (or has
revoked) contributes its name, code, tier, tags and status, nothing more.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.access import enterprise_get_for
from enterprises.errors import Forbidden
from enterprises.models import Enterprise, SupplierLink

from ...supply.export import anchor_supplier_export_rows
from ..registry import ExportKind, Row, register


def _anchors_of(user: Any) -> list[Enterprise]:
    return list(Enterprise.objects.of_member(user).distinct().order_by("name"))


class AnchorSupplierFilters(forms.Form):
    anchor = forms.ChoiceField(label=gettext_lazy("Enterprise"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the requester's own enterprises validate: another firm's id is a 400.
        self.fields["anchor"].choices = [(str(e.pk), e.name) for e in _anchors_of(user)]


class AnchorSupplierRows:
    """The anchor's suppliers in dashboard order, read a chunk of links at a time."""

    def __init__(self, anchor: Enterprise) -> None:
        self.anchor = anchor

    def headers(self) -> list[str]:
        return list(anchor_supplier_export_rows(self.anchor)[0])

    def count(self) -> int:
        return SupplierLink.objects.filter(anchor=self.anchor).count()

    def batches(self, size: int) -> Iterator[list[Row]]:
        _header, rows = anchor_supplier_export_rows(self.anchor)
        while batch := list(itertools.islice(rows, size)):
            yield batch


@register
class AnchorSuppliersExport(ExportKind):
    code = "anchor.suppliers"
    label = gettext_lazy("Suppliers, their levels and requirement gaps")
    description = gettext_lazy(
        "One row per supplier of the chosen enterprise; results only for suppliers that consented."
    )
    filter_form_class = AnchorSupplierFilters
    formats = ("xlsx", "csv")

    def authorise(self, user: Any) -> None:
        if not _anchors_of(user):
            raise Forbidden(_("Only members of an enterprise may export its suppliers."))

    def describe(self, user: Any, filters: dict[str, Any]) -> str:
        anchor = enterprise_get_for(user, filters.get("anchor"), "view_members")
        return _("Suppliers of %(name)s") % {"name": anchor.name}

    def source(self, user: Any, filters: dict[str, Any]) -> AnchorSupplierRows:
        # Access is resolved again at run time: a member who left gets a failed job.
        return AnchorSupplierRows(enterprise_get_for(user, filters.get("anchor"), "view_members"))
