"""A direct xlsx download of the anchor's supplier rows, until the export-job system
takes over: one small view, so it can be swapped for a job without touching the rows
(``reports.supply.export.anchor_supplier_export_rows``, consent-filtered).

Bounded: at most ``EXPORT_MAX_LINKS`` links, written with openpyxl's write-only
workbook into a temporary file (rows stream; memory stays flat), read in chunks.
"""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from enterprises.access import enterprise_get_for
from enterprises.models import SupplierLink
from enterprises.services_supply import XLSX_CONTENT_TYPE

from .supply.export import anchor_supplier_export_rows

EXPORT_MAX_LINKS = 20_000


@login_required
@require_safe
def anchor_supply_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    anchor = enterprise_get_for(request.user, pk, "view_members")
    if SupplierLink.objects.filter(anchor=anchor).count() > EXPORT_MAX_LINKS:
        messages.error(
            request,
            _("The list is too long to download at once (more than %(max)d suppliers).")
            % {"max": EXPORT_MAX_LINKS},
        )
        return redirect("anchor-supply-dashboard", pk=anchor.pk)
    today = timezone.localdate()
    header, rows = anchor_supplier_export_rows(anchor, today=today)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Suppliers"))
    sheet.append(header)

    def cell(value: object) -> object:
        if isinstance(value, str) and value.startswith("="):
            # Text from the user (a supplier's name) must never become a formula.
            text = WriteOnlyCell(sheet, value)
            text.data_type = "s"
            return text
        return value

    for row in rows:
        sheet.append([cell(value) for value in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    book.save(out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"suppliers-{anchor.pk}-{today:%Y%m%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
