"""The improvement-plan page: the plan of an assessment, and plain forms to adopt items
and keep their owner, due date and status."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from assessments.access import assessment_get_for
from assessments.models import Assessment
from assessments.presenters import tr
from assessments.scoring import format_number
from enterprises.errors import NotFound

from . import plans
from .api_plans import PHASE_LABELS, can_edit_plan, plan_out, plan_required_level
from .models import PlanItem
from .services import plans as services


class PlanItemForm(forms.Form):
    """One item's form: adopt it (``question_key``) or update the adopted ``item``."""

    question_key = forms.CharField(max_length=64, required=False)
    item = forms.IntegerField(required=False, min_value=1)
    owner = forms.CharField(label=gettext_lazy("Owner"), max_length=100, required=False)
    due_date = forms.DateField(label=gettext_lazy("Due date"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=PlanItem.Status.choices, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("question_key") and not data.get("item"):
            raise forms.ValidationError(_("Choose an item of the plan."))
        return data


def _save(
    request: HttpRequest, assessment: Assessment, form: PlanItemForm, required: str | None
) -> None:
    data = form.cleaned_data
    changes: dict[str, Any] = {"owner": data["owner"], "due_date": data["due_date"]}
    if data["status"]:
        changes["status"] = data["status"]
    if data.get("item"):
        item = services.plan_item_get_for(request.user, data["item"], "edit")
        if (item.enterprise_id, item.framework_id) != (
            assessment.enterprise_id,
            assessment.framework_id,
        ):
            raise NotFound(_("Plan item not found."))
        services.plan_item_update(item=item, **changes)
        messages.success(request, _("The plan item was saved."))
        return
    services.plan_item_adopt(
        assessment=assessment,
        question_key=data["question_key"],
        required_level=required,
        **changes,
    )
    messages.success(request, _("The item was added to the enterprise's plan."))


def _phases(data: dict[str, Any], errors: dict[str, Any]) -> list[dict[str, Any]]:
    groups = []
    for phase in plans.PHASES:
        items = [item for item in data["items"] if item["phase"] == phase]
        for item in items:
            item["gain_text"] = format_number(item["expected_gain"])
            item["target_text"] = format_number(item["target_score"])
            item["current_text"] = format_number(item["current_score"])
            item["max_text"] = format_number(item["max_score"])
            item["errors"] = errors.get(item["question_key"])
        groups.append({"code": phase, "label": PHASE_LABELS[phase], "items": items})
    return groups


@login_required
@require_http_methods(["GET", "POST"])
def assessment_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the plan. POST (editors and administrators): adopt or update one item."""
    assessment = assessment_get_for(request.user, pk, "view")
    errors: dict[str, Any] = {}
    status = 200
    required, required_by = plan_required_level(
        request.user, assessment, request.GET.get("required_level") or None
    )
    if request.method == "POST":
        services.plan_enterprise_get_for(request.user, assessment.enterprise_id, "edit")
        form = PlanItemForm(request.POST)
        if form.is_valid():
            _save(request, assessment, form, required)
            return redirect(request.get_full_path())
        errors[request.POST.get("question_key", "")] = form.errors
        status = 400
    found = services.assessment_plan(assessment=assessment, required_level=required)
    data = plan_out(
        found, can_edit=can_edit_plan(request.user, assessment), required_by=required_by
    )
    projection = data["projections"][0]
    context = {
        "assessment": assessment,
        "enterprise": assessment.enterprise,
        "plan": data,
        "phases": _phases(data, errors),
        "form_errors": errors.get(""),
        "projection": projection,
        "total_text": format_number(data["total"]),
        "max_total_text": format_number(data["max_total"]),
        "projected_text": format_number(projection["total"]),
        "statuses": PlanItem.Status.choices,
        "framework_title": tr(found.framework.title),
        "required_by": required_by,
    }
    return render(request, "reports/plan.html", context, status=status)
