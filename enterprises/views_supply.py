"""Pages of supply-chain consent: the supplier's requests and its decisions.

The anchor's supplier list shows assessment results, so its page lives in
reports.views_supply; the forms it uses are here because they only speak of links.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import services_supply as services
from .access import enterprise_get_for, supplier_link_get_for, supplier_links_visible_to
from .errors import Conflict, ValidationFailed
from .models import Enterprise, ReminderPreference, Role, SupplierLink

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
    parent = forms.TypedChoiceField(
        label=gettext_lazy("Customer in your chain"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=(),
        help_text=gettext_lazy("The supplier on your list that this supplier delivers to."),
    )

    def __init__(self, *args: object, parents: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["parent"].choices = [  # type: ignore[attr-defined]
            ("", _("None: a supplier of your own")),
            *parents,
        ]

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


# ---- the supplier's side -----------------------------------------------------------------


def supplier_requests_for(user: Any) -> QuerySet[SupplierLink]:
    """The links whose supplier `user` administers (the anchor's side is left out)."""
    administered = Enterprise.objects.of_member(user, Role.ADMIN).values("pk")
    return supplier_links_visible_to(user).filter(supplier__in=administered)


def _actions(link: SupplierLink) -> list[str]:
    return [
        name for name, (sources, _target) in services.TRANSITIONS.items() if link.status in sources
    ]


@login_required
@require_safe
def supplier_requests(request: HttpRequest) -> HttpResponse:
    page = Paginator(supplier_requests_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [{"link": link, "actions": _actions(link)} for link in page]
    return render(request, "supply/supplier_requests.html", {"page": page, "rows": rows})


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
