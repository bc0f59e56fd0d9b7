"""Admin: export jobs, read-only, so that platform staff can see who exported what."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "requested_by", "kind", "format", "state", "rows_total", "created_at")
    list_filter = ("state", "kind", "format")
    search_fields = ("requested_by__username", "scope_description")
    list_select_related = ("requested_by",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
