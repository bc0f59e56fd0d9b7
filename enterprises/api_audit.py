"""HTTP API for the audit log: platform staff list and filter events."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import Pagination

from .access import audit_events_for
from .errors import ValidationFailed
from .forms import AuditFilterForm
from .models import AuditAction, AuditEvent


class AuditEventOut(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=AuditAction.choices)
    action_label = serializers.CharField()
    actor = serializers.DictField(allow_null=True, help_text="{id, username} or null")
    actor_username = serializers.CharField(help_text="The name typed at a failed sign-in too")
    actor_ip = serializers.IPAddressField(allow_null=True)
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    enterprise = serializers.DictField(allow_null=True, help_text="{id, name} or null")
    details = serializers.DictField()


def event_out(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "created_at": event.created_at.isoformat(),
        "action": event.action,
        "action_label": str(event.get_action_display()),
        "actor": (
            {"id": event.actor_id, "username": event.actor.get_username()}
            if event.actor is not None
            else None
        ),
        "actor_username": event.actor_username,
        "actor_ip": event.actor_ip,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "enterprise": (
            {"id": event.enterprise_id, "name": event.enterprise.name}
            if event.enterprise is not None
            else None
        ),
        "details": event.details,
    }


FILTERS = [
    OpenApiParameter("action", str, enum=AuditAction.values, description="An action code"),
    OpenApiParameter("actor", str, description="The actor's username (case-insensitive)"),
    OpenApiParameter("enterprise", int, description="An enterprise id"),
    OpenApiParameter("since", str, description="First local date included (YYYY-MM-DD)"),
    OpenApiParameter("until", str, description="Last local date included (YYYY-MM-DD)"),
]


class AuditEventListView(APIView):
    @extend_schema(
        operation_id="audit_events_list",
        parameters=FILTERS,
        responses={200: AuditEventOut(many=True), 400: None, 403: None},
    )
    def get(self, request: Request) -> Response:
        events = audit_events_for(request.user)
        form = AuditFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationFailed(
                _("The filters are invalid."),
                errors={field: [str(m) for m in msgs] for field, msgs in form.errors.items()},
            )
        events = events.filtered(**form.filters()).with_related()  # type: ignore[attr-defined]
        paginator = Pagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response([event_out(e) for e in page or []])
