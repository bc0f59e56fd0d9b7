"""Pages of supply-chain consent: the supplier's decisions, and the anchor's labels of a
link (tags, tier, parent).

The anchor's supplier list and the supplier's requests page show assessment results
and requirements, so they live in reports.views_supply; the forms they use are here
because they only speak of links.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import services_supply as services
from .access import (
    anchor_link_get_for,
    enterprise_get_for,
    supplier_link_get_for,
    supplier_links_visible_to,
)
from .errors import Conflict, NotFound, ValidationFailed
from .models import Enterprise, ReminderPreference, Role, SupplierLink
from .services import uscc_normalise

PAGE_SIZE = 50

# ---- forms (parse only; the services decide) ---------------------------------------------


class SupplierInviteForm(forms.Form):
    uscc = forms.CharField(
        label=gettext_lazy("Unified social credit code"),
        max_length=32,
        help_text=gettext_lazy("18 characters, as on the business licence."),
    )
    name = forms.CharField(
        label=gettext_lazy("Supplier name"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Not needed when the supplier is already registered."),
    )
    contact_email = forms.EmailField(
        label=gettext_lazy("Contact email"),
        required=False,
        help_text=gettext_lazy("We email a registration link if the supplier is not registered."),
    )
    tier = forms.IntegerField(
        label=gettext_lazy("Tier"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=gettext_lazy("1 for a direct supplier; left empty, it follows the customer."),
    )
    # A code rather than a list to pick from: an anchor may have thousands of links.
    parent = forms.CharField(
        label=gettext_lazy("Customer in your chain"),
        required=False,
        max_length=32,
        help_text=gettext_lazy(
            "The unified social credit code of the supplier on your list that this "
            "supplier delivers to; empty for a supplier of your own."
        ),
    )

    def parent_id(self, anchor: Enterprise) -> int | None:
        """The id of the anchor's link whose code is in ``parent``: None when empty, 0
        (no link) for a code not on the list, which the service names with the rest."""
        code = uscc_normalise(self.cleaned_data.get("parent") or "")
        if not code:
            return None
        found = (
            SupplierLink.objects.filter(anchor=anchor, supplier_uscc=code)
            .values_list("pk", flat=True)
            .first()
        )
        return found or 0

    def add_domain_errors(self, exc: ValidationFailed) -> None:
        """Put the service's field errors beside the matching fields."""
        for name, field_messages in exc.errors.items():
            for message in field_messages:
                self.add_error(name if name in self.fields else None, message)


class SupplierImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Supplier file"),
        help_text=gettext_lazy("xlsx, or CSV in UTF-8 or GBK, with the template's columns."),
    )


class SupplierLinkForm(forms.Form):
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=1100,
        help_text=gettext_lazy(
            "Your own labels for this supplier, separated by commas; requirements can "
            "target a tag. The supplier does not see them."
        ),
    )
    tier = forms.IntegerField(
        label=gettext_lazy("Tier"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=gettext_lazy("Left empty, it follows the customer (or stays as it is)."),
    )
    # A code rather than a list to pick from: an anchor may have thousands of links.
    parent = forms.CharField(
        label=gettext_lazy("Customer in your chain"),
        required=False,
        max_length=32,
        help_text=gettext_lazy(
            "The unified social credit code of the supplier on your list that this "
            "supplier delivers to; empty for a supplier of your own."
        ),
    )

    def parent_id(self, anchor: Enterprise) -> int | None:
        """The id of the anchor's link whose code is in ``parent``: None when empty, 0
        (no link) for a code not on the list, which the service names with the rest."""
        code = uscc_normalise(self.cleaned_data.get("parent") or "")
        if not code:
            return None
        found = (
            SupplierLink.objects.filter(anchor=anchor, supplier_uscc=code)
            .values_list("pk", flat=True)
            .first()
        )
        return found or 0

    def add_domain_errors(self, exc: ValidationFailed) -> None:
        """Put the service's field errors beside the matching fields."""
        for name, field_messages in exc.errors.items():
            for message in field_messages:
                self.add_error(name if name in self.fields else None, message)


TAG_SEPARATORS = re.compile(r"[,，、;；]")


@login_required
@require_http_methods(["GET", "POST"])
def anchor_link_edit(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    """The anchor's administrators label one link: tags, tier, parent."""
    link = anchor_link_get_for(request.user, link_pk, "manage")
    if link.anchor_id != pk:
        raise NotFound(_("Supplier link not found."))
    if request.method == "POST":
        form = SupplierLinkForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            tags = [t for t in TAG_SEPARATORS.split(data["tags"] or "") if t.strip()]
            parent_id = form.parent_id(link.anchor)
            changes: dict[str, Any] = {"tags": tags, "parent_id": parent_id}
            if data["tier"] is not None:
                changes["tier"] = data["tier"]
            try:
                services.supplier_link_update(link=link, **changes)
            except ValidationFailed as exc:
                form.add_domain_errors(exc)
            else:
                messages.success(
                    request, _("The labels of %(name)s are saved.") % {"name": _name(link)}
                )
                return redirect("anchor-suppliers", pk=pk)
    else:
        parent_code = (
            SupplierLink.objects.filter(pk=link.parent_id)
            .values_list("supplier_uscc", flat=True)
            .first()
            if link.parent_id is not None
            else None
        )
        form = SupplierLinkForm(
            initial={
                "tags": "，".join(link.tags or []),
                "tier": link.tier,
                "parent": parent_code or "",
            }
        )
    return render(
        request,
        "supply/link_form.html",
        {"enterprise": link.anchor, "link": link, "name": _name(link), "form": form},
        status=400 if form.errors else 200,
    )


def _name(link: SupplierLink) -> str:
    return link.supplier.name if link.supplier is not None else link.supplier_name


# ---- the supplier's side -----------------------------------------------------------------


def supplier_requests_for(user: Any) -> QuerySet[SupplierLink]:
    """The links whose supplier `user` administers (the anchor's side is left out)."""
    administered = Enterprise.objects.of_member(user, Role.ADMIN).values("pk")
    return supplier_links_visible_to(user).filter(supplier__in=administered)


def link_actions(link: SupplierLink) -> list[str]:
    """The consent decisions the link's status allows (accept, decline, revoke)."""
    return [
        name for name, (sources, _target) in services.TRANSITIONS.items() if link.status in sources
    ]


def _decide(
    request: HttpRequest, pk: int, decide: Callable[..., SupplierLink], done: str
) -> HttpResponse:
    link = supplier_link_get_for(request.user, pk)  # 404 / 403 through the error middleware
    try:
        decide(link=link, actor=request.user)
    except Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done % {"anchor": link.anchor.name})
    return redirect("supplier-requests")


@login_required
@require_POST
def supplier_request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        services.supplier_link_accept,
        _("You now share your results with %(anchor)s."),
    )


@login_required
@require_POST
def supplier_request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        services.supplier_link_decline,
        _("You declined the request of %(anchor)s."),
    )


@login_required
@require_POST
def supplier_request_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        services.supplier_link_revoke,
        _("You stopped sharing your results with %(anchor)s."),
    )


# ---- reminder emails: opt out without signing in, back in from the settings -----------------


class ReminderSettingsForm(forms.Form):
    enabled = forms.BooleanField(
        label=gettext_lazy("Send reminder emails"),
        required=False,
        help_text=gettext_lazy(
            "At most one a week: unanswered requests from customers and approaching or "
            "missed deadlines of their requirements."
        ),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the emails"),
        choices=ReminderPreference.Language.choices,
    )


# Mail clients that honour List-Unsubscribe-Post (RFC 8058) POST to the link without a
# CSRF token; the signed token is the authority, and it can only switch reminders off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def reminder_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """The opt-out link of a reminder email: GET asks to confirm (so that a mail
    scanner following links opts nobody out), POST opts out and confirms."""
    uscc = services.reminder_opt_out_uscc(token)
    if uscc is None:
        return render(request, "supply/reminder_opt_out.html", {"invalid": True}, status=404)
    preference = services.reminder_preference_of(uscc)
    done = False
    if request.method == "POST":
        preference = services.reminder_opt_out(uscc=uscc)
        done = True
    return render(
        request,
        "supply/reminder_opt_out.html",
        {
            "uscc": uscc,
            "done": done,
            "already": not done and preference.opted_out_at is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def supplier_reminder_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """The enterprise's reminder settings: on or off, and the language; administrators."""
    enterprise = enterprise_get_for(request.user, pk, "manage")
    preference = services.reminder_preference_of(enterprise.uscc)
    initial = {"enabled": preference.opted_out_at is None, "language": preference.language}
    form = ReminderSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reminder_preference_set(
                enterprise=enterprise,
                enabled=form.cleaned_data["enabled"],
                language=form.cleaned_data["language"],
            )
        except ValidationFailed as exc:
            for name, field_messages in exc.errors.items():
                for message in field_messages:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("The reminder settings are saved."))
            return redirect("supplier-reminder-settings", pk=enterprise.pk)
    return render(
        request,
        "supply/reminder_settings.html",
        {"enterprise": enterprise, "form": form, "preference": preference},
    )
