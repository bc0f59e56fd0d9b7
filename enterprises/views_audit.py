"""The audit log page for platform staff: filter, page through, read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .access import audit_events_for
from .forms import AuditFilterForm
from .models import Enterprise
from .presenters_audit import event_details, event_target

PAGE_SIZE = 50


@login_required
@require_safe
def audit_events(request: HttpRequest) -> HttpResponse:
    events = audit_events_for(request.user)
    form = AuditFilterForm(request.GET)
    enterprise = None
    if form.is_valid():
        filters = form.filters()
        events = events.filtered(**filters)  # type: ignore[attr-defined]
        if (enterprise_id := form.cleaned_data.get("enterprise")) is not None:
            enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    else:
        events = events.none()
    page = Paginator(events.with_related(), PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[attr-defined]
    rows = [
        {"event": event, "target": event_target(event), "details": event_details(event)}
        for event in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filtered_enterprise": enterprise,
            "page_query": query.urlencode(),
            "is_filtered": any(value for key, value in request.GET.items() if key != "page"),
        },
    )
