"""An anchor firm's supplier page (the list with each consenting supplier's latest result
and progress, the invite form and the bulk upload) and the supplier's requests page
(what each customer asks of it). Thin: parse, call a service or selector, render."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from assessments.selectors import framework_labels
from enterprises import services_supply
from enterprises.access import enterprise_get_for, membership_for
from enterprises.errors import ValidationFailed
from enterprises.models import Enterprise, Role, SupplierLink, User
from enterprises.views_supply import (
    PAGE_SIZE,
    SupplierImportForm,
    SupplierInviteForm,
    link_actions,
    supplier_requests_for,
)

from . import charts
from .selectors import anchor_supplier_rows
from .selectors_supply import ChainNode, supply_chain_page
from .supply.present import status_label
from .supply.received import received_for_links


def _render(
    request: HttpRequest,
    anchor: Enterprise,
    *,
    invite_form: SupplierInviteForm | None = None,
    import_form: SupplierImportForm | None = None,
    import_error: ValidationFailed | None = None,
    errors_sheet_url: str = "",
) -> HttpResponse:
    """The supplier page. Counts come from one aggregate and only the shown page of links
    (with its results) is loaded, so memory stays flat however long the list."""
    membership = membership_for(request.user, anchor.pk)
    can_manage = membership is not None and membership.allows(Role.ADMIN)
    labels = dict(SupplierLink.Status.choices)
    counts = dict(
        SupplierLink.objects.filter(anchor=anchor)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    total = sum(counts.values())
    page = Paginator(range(total), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = anchor_supplier_rows(
        anchor, offset=page.start_index() - 1 if total else 0, limit=PAGE_SIZE
    )
    names = framework_labels(row["latest"]["framework"] for row in rows if row["latest"])
    for row in rows:
        row["status_display"] = labels.get(row["status"], row["status"])
        row["progress_display"] = status_label(row["progress"])
        if row["latest"]:
            title, levels = names.get(row["latest"]["framework"], (row["latest"]["framework"], {}))
            row["latest"]["framework_title"] = title
            row["latest"]["level_name"] = levels.get(row["latest"]["level"], row["latest"]["level"])
    page.object_list = rows  # type: ignore[assignment]
    context: dict[str, Any] = {
        "enterprise": anchor,
        "membership": membership,
        "can_manage": can_manage,
        "page": page,
        "total": total,
        "counts": [(value, label, counts.get(value, 0)) for value, label in labels.items()],
    }
    if can_manage:
        context["invite_form"] = invite_form or SupplierInviteForm()
        context["import_form"] = import_form or SupplierImportForm()
        context["import_error"] = import_error
        context["errors_sheet_url"] = errors_sheet_url
        context["errors_sheet_hours"] = settings.GRADIENT_IMPORT_ERRORS_TTL_HOURS
    return render(request, "supply/anchor_suppliers.html", context)


@login_required
@require_safe
def anchor_suppliers(request: HttpRequest, pk: int) -> HttpResponse:
    anchor = enterprise_get_for(request.user, pk, "view_members")
    return _render(request, anchor)


@login_required
@require_POST
def anchor_supplier_invite(request: HttpRequest, pk: int) -> HttpResponse:
    anchor = enterprise_get_for(request.user, pk, "manage")
    form = SupplierInviteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        parent_id = form.parent_id(anchor)
        try:
            link = services_supply.supplier_invite(
                anchor=anchor,
                uscc=data["uscc"],
                name=data["name"],
                contact_email=data["contact_email"],
                tier=data["tier"],
                parent_id=parent_id,
            )
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            if link.supplier_id is not None:
                text = _(
                    "%(name)s is on your list. Its administrators decide whether to share "
                    "their results with you."
                )
            else:
                text = _(
                    "%(name)s is on your list. An invitation to register is emailed to %(email)s."
                )
            messages.success(
                request, text % {"name": link.supplier_name, "email": link.contact_email}
            )
            return redirect("anchor-suppliers", pk=anchor.pk)
    return _render(request, anchor, invite_form=form)


@login_required
@require_POST
def anchor_supplier_import(request: HttpRequest, pk: int) -> HttpResponse:
    anchor = enterprise_get_for(request.user, pk, "manage")
    form = SupplierImportForm(request.POST, request.FILES)
    error: ValidationFailed | None = None
    errors_sheet_url = ""
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            links = services_supply.supplier_import(
                anchor=anchor, content=upload.read(), filename=upload.name or ""
            )
        except ValidationFailed as exc:
            error = exc
            rejection = services_supply.supplier_import_rejection_record(
                anchor=anchor,
                user=cast(User, request.user),
                error=exc,
                filename=upload.name or "",
            )
            errors_sheet_url = reverse(
                "api-anchor-suppliers-import-errors",
                kwargs={"pk": anchor.pk, "token": rejection.pk},
            )
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d supplier is on your list.",
                    "%(count)d suppliers are on your list.",
                    len(links),
                )
                % {"count": len(links)},
            )
            return redirect("anchor-suppliers", pk=anchor.pk)
    return _render(
        request,
        anchor,
        import_form=form,
        import_error=error,
        errors_sheet_url=errors_sheet_url,
    )


# ---- the chain drawing -------------------------------------------------------------------


def _chain_node_out(node: ChainNode, labels: dict[str, str]) -> dict[str, Any]:
    """A node as the chart draws it: name and status, and the level only with consent."""
    status = labels.get(node.status, node.status)
    if node.ghost:
        detail = _("Continued from page %(page)d") % {"page": node.ghost_page or 0}
    elif node.status == SupplierLink.Status.ACCEPTED:
        level = node.level_name or _("no result yet")
        detail = f"{status} · {level}"
    else:
        detail = status
    return {
        "id": node.id,
        "parent": node.parent_id,
        "column": node.tier,
        "label": node.name,
        "detail": detail,
        "status": node.status,
        "level_rank": node.level_rank if node.level_code is not None else None,
        "ghost": node.ghost,
    }


@login_required
@require_safe
def anchor_supply_chain(request: HttpRequest, pk: int) -> HttpResponse:
    """The anchor's supplier tree by tier, drawn and as a table, one page of branches at
    a time. A fixed number of queries whatever the number of links."""
    anchor = enterprise_get_for(request.user, pk, "view_members")
    chain = supply_chain_page(anchor, request.GET.get("page"))
    labels = {value: str(label) for value, label in SupplierLink.Status.choices}
    drawn = [_chain_node_out(node, labels) for node in [*chain.ghosts, *chain.nodes]]
    svg = ""
    if chain.nodes:
        deepest = max(node.tier for node in [*chain.nodes, *chain.ghosts]) + len(chain.nodes)
        columns = [_("Anchor firm")] + [
            _("Tier %(tier)d") % {"tier": tier} for tier in range(1, min(deepest, 99) + 1)
        ]
        svg = charts.chain_svg(
            drawn,
            root_label=anchor.name,
            column_labels=columns,
            legend=list(labels.items()),
            title=_("Supply chain of %(anchor)s") % {"anchor": anchor.name},
        )
    return render(
        request,
        "supply/anchor_chain.html",
        {
            "enterprise": anchor,
            "chain": chain,
            "page": chain,
            "svg": mark_safe(svg),  # noqa: S308 - chain_svg escapes every text it places
            "status_labels": labels,
        },
    )


# ---- the supplier's side -----------------------------------------------------------------


@login_required
@require_safe
def supplier_requests(request: HttpRequest) -> HttpResponse:
    """The links of the enterprises the user administers as a supplier, with what each
    customer requires of it (invited and accepted links) and how it stands."""
    page = Paginator(supplier_requests_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    links = list(page.object_list)
    received = (
        received_for_links(SupplierLink.objects.filter(pk__in=[link.pk for link in links]))
        if links
        else {}
    )
    rows = [
        {"link": link, "actions": link_actions(link), "requirements": received.get(link.pk)}
        for link in links
    ]
    return render(request, "supply/supplier_requests.html", {"page": page, "rows": rows})
