"""Platform staff manage frameworks here: upload a YAML file, publish, retire, download."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from enterprises.errors import DomainError

from .models import Framework, FrameworkVersion
from .services.frameworks import (
    framework_export,
    framework_import,
    framework_version_publish,
    framework_version_retire,
)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Framework YAML file"))
    publish = forms.BooleanField(label=_("Publish at once"), required=False)


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "title_en", "created_at"]
    search_fields = ["code", "title"]


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    list_display = ["framework", "version", "status", "published_at", "download"]
    list_filter = ["status", "framework"]
    actions = ["publish", "retire"]
    change_list_template = "admin/assessments/frameworkversion/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions arrive through the validated upload only

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # content never changes in the admin; publish/retire are actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and obj.status == FrameworkVersion.Status.DRAFT

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_staff

    @admin.display(description=_("YAML"))
    def download(self, obj: FrameworkVersion) -> str:
        url = reverse("admin:assessments_frameworkversion_export", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def get_urls(self) -> list:
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="assessments_frameworkversion_upload",
            ),
            path(
                "<int:pk>/export/",
                self.admin_site.admin_view(self.export_view),
                name="assessments_frameworkversion_export",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_superuser:
            return HttpResponse(status=403)
        form = UploadForm(request.POST or None, request.FILES or None)
        problems: dict[str, list[str]] = {}
        if request.method == "POST" and form.is_valid():
            raw = form.cleaned_data["file"].read()
            try:
                source = raw.decode("utf-8")
            except UnicodeDecodeError:
                form.add_error("file", _("The file must be UTF-8 text."))
            else:
                try:
                    version = framework_import(source=source, publish=form.cleaned_data["publish"])
                except DomainError as exc:
                    form.add_error(None, str(exc.message))
                    problems = exc.errors
                else:
                    messages.success(request, _("Imported %(v)s.") % {"v": version})
                    return redirect("admin:assessments_frameworkversion_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "problems": problems,
            "title": _("Upload a framework version"),
            "opts": self.model._meta,
        }
        return render(request, "admin/assessments/frameworkversion/upload.html", context)

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = FrameworkVersion.objects.select_related("framework").get(pk=pk)
        response = HttpResponse(
            framework_export(version=version), content_type="application/x-yaml; charset=utf-8"
        )
        filename = f"{version.framework.code}-{version.version}.yaml"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request: HttpRequest, queryset: QuerySet[FrameworkVersion]) -> None:
        self._apply(request, queryset, framework_version_publish)

    @admin.action(description=_("Retire the selected published versions"))
    def retire(self, request: HttpRequest, queryset: QuerySet[FrameworkVersion]) -> None:
        self._apply(request, queryset, framework_version_retire)

    def _apply(self, request: HttpRequest, queryset: QuerySet, service: Any) -> None:
        for version in queryset:
            try:
                service(version=version)
                messages.success(request, str(version))
            except DomainError as exc:
                messages.error(request, f"{version}: {exc.message}")
