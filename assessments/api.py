"""HTTP API for frameworks and stateless scoring."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.errors import ValidationFailed

from . import presenters, scoring
from .models import FrameworkVersion
from .selectors import compiled_framework, framework_version_get

FrameworkSummaryList = inline_serializer(
    "FrameworkSummary",
    {
        "code": serializers.CharField(),
        "version": serializers.CharField(),
        "title": serializers.CharField(),
        "status": serializers.CharField(),
        "levels": serializers.ListField(child=serializers.DictField()),
    },
    many=True,
)
FrameworkDetail = inline_serializer(
    "FrameworkDetail",
    {
        "code": serializers.CharField(),
        "version": serializers.CharField(),
        "title": serializers.CharField(),
        "levels": serializers.ListField(child=serializers.DictField()),
        "dimensions": serializers.ListField(child=serializers.DictField()),
    },
)
ScoreResult = inline_serializer(
    "ScoreResult",
    {
        "total": serializers.FloatField(),
        "max_total": serializers.FloatField(),
        "level": serializers.DictField(allow_null=True),
        "dimensions": serializers.ListField(child=serializers.DictField()),
        "next_level": serializers.DictField(allow_null=True),
    },
)


class ScoreInput(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField(allow_null=True))


def answer_errors(framework: scoring.Framework, answers: dict[str, Any]) -> dict[str, list[str]]:
    """Every invalid answer, keyed `answers.<question_key>`, in the active language."""
    problems = scoring.validate_answers(framework, answers)
    return {
        f"answers.{key}": [presenters.tr(message) for message in messages]
        for key, messages in problems.items()
    }


class FrameworkListView(APIView):
    @extend_schema(responses={200: FrameworkSummaryList})
    def get(self, request: Request) -> Response:
        latest: dict[str, FrameworkVersion] = {}
        # Documents deferred: every published version is listed to find the latest ones,
        # whose summaries come from the compiled forms cached per process.
        versions = (
            FrameworkVersion.objects.published()
            .select_related("framework")
            .defer("definition", "source")
            .order_by("framework__code", "-published_at", "-id")
        )
        for version in versions:
            latest.setdefault(version.framework.code, version)
        return Response([presenters.framework_summary(v) for v in latest.values()])


class FrameworkDetailView(APIView):
    @extend_schema(responses={200: FrameworkDetail})
    def get(self, request: Request, code: str) -> Response:
        return Response(presenters.framework_full(framework_version_get(code)))


class FrameworkVersionDetailView(APIView):
    @extend_schema(responses={200: FrameworkDetail})
    def get(self, request: Request, code: str, version: str) -> Response:
        return Response(presenters.framework_full(framework_version_get(code, version)))


class FrameworkScoreView(APIView):
    """Score answers against the latest published version without storing anything."""

    @extend_schema(
        request=ScoreInput,
        responses={200: ScoreResult, 400: OpenApiResponse(description="Invalid answers")},
    )
    def post(self, request: Request, code: str) -> Response:
        version = framework_version_get(code)
        data = ScoreInput(data=request.data)
        data.is_valid(raise_exception=True)
        answers = data.validated_data["answers"]
        framework = compiled_framework(version)
        if errors := answer_errors(framework, answers):
            raise ValidationFailed(_("Some answers are invalid."), errors=errors)
        return Response(presenters.result_public(scoring.score(framework, answers).to_dict()))
