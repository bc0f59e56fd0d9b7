"""Pages where an anchor firm keeps its requirements of suppliers: the list (members),
and the forms to add, change and delete one (administrators).

A form is for one framework (its levels and dimensions differ): the list offers a
framework chooser that opens the form for the chosen framework.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.models import FrameworkVersion
from enterprises.access import enterprise_get_for, membership_for
from enterprises.errors import NotFound, ValidationFailed
from enterprises.models import Enterprise, Role, SupplierLink

from .access import supply_requirement_get_for
from .models import SupplyRequirement
from .services import requirements as services
from .supply.facts import FrameworkInfo, framework_infos, supply_facts
from .supply.present import days_left_text, group_text, percent_text

PAGE_SIZE = 50


class RequirementForm(forms.Form):
    """The form of a requirement on one framework: its levels and scored dimensions."""

    group = forms.ChoiceField(
        label=gettext_lazy("Applies to"),
        choices=SupplyRequirement.Group.choices,
        initial=SupplyRequirement.Group.ALL,
    )
    tier = forms.IntegerField(
        label=gettext_lazy("Tier"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=gettext_lazy("For one tier only."),
    )
    tag = forms.CharField(
        label=gettext_lazy("Tag"),
        required=False,
        max_length=50,
        help_text=gettext_lazy("For suppliers with a tag only."),
    )
    min_level = forms.ChoiceField(label=gettext_lazy("Minimum level"), choices=())
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=gettext_lazy("Note to suppliers"),
        required=False,
        max_length=services.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, info: FrameworkInfo, tags: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.info = info
        self.fields["min_level"].choices = [  # type: ignore[attr-defined]
            (level.code, info.level_name(level.code)) for level in info.compiled.levels
        ]
        self.fields["tag"].widget.attrs["list"] = "known-tags"
        self.known_tags = tags
        for key, name in info.scored_dimensions():
            self.fields[f"dim_{key}"] = forms.DecimalField(
                label=_("Minimum score of %(dimension)s (%%)") % {"dimension": name},
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=1,
            )

    def dimension_fields(self) -> list[str]:
        return [name for name in self.fields if name.startswith("dim_")]

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments from the cleaned data."""
        data = self.cleaned_data
        group = data["group"]
        return {
            "framework": self.info.code,
            "min_level": data["min_level"],
            "deadline": data["deadline"],
            "group": group,
            "tier": data["tier"] if group == SupplyRequirement.Group.TIER else None,
            "tag": data["tag"] if group == SupplyRequirement.Group.TAG else "",
            "min_dimension_percents": {
                name.removeprefix("dim_"): data[name]
                for name in self.dimension_fields()
                if data.get(name) is not None
            },
            "note": data["note"],
        }

    def add_domain_errors(self, exc: ValidationFailed) -> None:
        for name, field_messages in exc.errors.items():
            field = name.replace("min_dimension_percents.", "dim_", 1)
            for message in field_messages:
                self.add_error(field if field in self.fields else None, message)


def _initial(requirement: SupplyRequirement) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "group": requirement.group,
        "tier": requirement.tier,
        "tag": requirement.tag,
        "min_level": requirement.min_level_code,
        "deadline": requirement.deadline,
        "note": requirement.note,
    }
    for key, value in (requirement.min_dimension_percents or {}).items():
        initial[f"dim_{key}"] = Decimal(str(value))
    return initial


def _known_tags(anchor: Enterprise) -> list[str]:
    """The tags the anchor gave its suppliers (one narrow query)."""
    tags: set[str] = set()
    for row in SupplierLink.objects.filter(anchor=anchor).values_list("tags", flat=True):
        tags.update(str(tag) for tag in row or [])
    return sorted(tags)


def _framework_or_404(code: str | None) -> FrameworkInfo:
    version = FrameworkVersion.objects.latest_published(code) if code else None
    info = framework_infos([version.framework_id]).get(version.framework_id) if version else None
    if info is None:
        raise NotFound(_("Framework not found."))
    return info


@login_required
@require_safe
def anchor_requirements(request: HttpRequest, pk: int) -> HttpResponse:
    """The anchor's requirements, each with how many suppliers it applies to and how
    many consenting ones meet it."""
    anchor = enterprise_get_for(request.user, pk, "view_members")
    membership = membership_for(request.user, anchor.pk)
    found = supply_facts(SupplierLink.objects.filter(anchor=anchor), anchor_id=anchor.pk)
    counts: dict[int, dict[str, int]] = {
        r.pk: {"applies": 0, "consenting": 0, "met": 0, "overdue": 0} for r in found.requirements
    }
    for fact in found.links:
        for requirement in fact.requirements:
            counts[requirement.pk]["applies"] += 1
        for requirement, check in fact.checks:
            counts[requirement.pk]["consenting"] += 1
            counts[requirement.pk]["met"] += check.met
            counts[requirement.pk]["overdue"] += check.overdue
    page = Paginator(found.requirements, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for requirement in page.object_list:
        info = found.frameworks.get(requirement.framework_id)
        rows.append(
            {
                "requirement": requirement,
                "group": group_text(requirement),
                "framework": info.title if info else requirement.framework.code,
                "level": info.level_name(requirement.min_level_code)
                if info
                else requirement.min_level_code,
                "dimensions": [
                    (info.dimension_name(key) if info else key, percent_text(value))
                    for key, value in sorted((requirement.min_dimension_percents or {}).items())
                ],
                "days_left": days_left_text((requirement.deadline - found.today).days),
                **counts[requirement.pk],
            }
        )
    context = {
        "enterprise": anchor,
        "can_manage": membership is not None and membership.allows(Role.ADMIN),
        "page": page,
        "rows": rows,
        "frameworks": services.published_frameworks(),
    }
    return render(request, "supply/requirements.html", context)


def _form_page(
    request: HttpRequest,
    anchor: Enterprise,
    form: RequirementForm,
    requirement: SupplyRequirement | None,
) -> HttpResponse:
    return render(
        request,
        "supply/requirement_form.html",
        {
            "enterprise": anchor,
            "form": form,
            "requirement": requirement,
            "framework": form.info,
            "frameworks": services.published_frameworks(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def anchor_requirement_new(request: HttpRequest, pk: int) -> HttpResponse:
    anchor = enterprise_get_for(request.user, pk, "manage")
    info = _framework_or_404(request.GET.get("framework") or request.POST.get("framework"))
    tags = _known_tags(anchor)
    form = RequirementForm(request.POST or None, info=info, tags=tags)
    if request.method == "POST" and form.is_valid():
        try:
            services.supply_requirement_create(anchor=anchor, user=request.user, **form.values())
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("The requirement is saved."))
            return redirect("anchor-requirements", pk=anchor.pk)
    return _form_page(request, anchor, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def anchor_requirement_edit(request: HttpRequest, pk: int, requirement_pk: int) -> HttpResponse:
    requirement = supply_requirement_get_for(request.user, requirement_pk, "manage")
    if requirement.anchor_id != pk:
        raise NotFound(_("Requirement not found."))
    code = request.GET.get("framework") or request.POST.get("framework")
    info = _framework_or_404(code or requirement.framework.code)
    tags = _known_tags(requirement.anchor)
    if request.method == "POST":
        form = RequirementForm(request.POST, info=info, tags=tags)
    else:
        form = RequirementForm(initial=_initial(requirement), info=info, tags=tags)
    if request.method == "POST" and form.is_valid():
        try:
            services.supply_requirement_update(requirement=requirement, **form.values())
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("The requirement is saved."))
            return redirect("anchor-requirements", pk=pk)
    return _form_page(request, requirement.anchor, form, requirement)


@login_required
@require_POST
def anchor_requirement_delete(request: HttpRequest, pk: int, requirement_pk: int) -> HttpResponse:
    requirement = supply_requirement_get_for(request.user, requirement_pk, "manage")
    if requirement.anchor_id != pk:
        raise NotFound(_("Requirement not found."))
    services.supply_requirement_delete(requirement=requirement)
    messages.success(request, _("The requirement is deleted."))
    return redirect("anchor-requirements", pk=pk)
