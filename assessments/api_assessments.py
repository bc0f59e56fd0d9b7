"""HTTP API for assessments: start, read, answer, submit, result, review, history, evidence."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.access import enterprise_get_for
from enterprises.models import Enterprise

from . import presenters
from .access import assessment_get_for, evidence_get_for
from .models import Answer, AnswerRevision, Assessment, Evidence, ReviewDecision
from .selectors import assessment_progress, compiled_framework
from .services import assessments as services
from .services import evidence as evidence_services


class StartInput(serializers.Serializer):
    enterprise = serializers.IntegerField()
    framework = serializers.SlugField()


class AnswerInput(serializers.Serializer):
    value = serializers.JSONField(allow_null=True)
    base_revision = serializers.IntegerField(min_value=0)


class SubmitInput(serializers.Serializer):
    pledge = serializers.BooleanField(required=False, default=False)


class ReviewInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["confirm", "return"])
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    confirmed_level = serializers.CharField(required=False, allow_null=True, default=None)


class EvidenceInput(serializers.Serializer):
    question_key = serializers.CharField(max_length=64)
    file = serializers.FileField()


def assessment_brief(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "enterprise": a.enterprise_id,
        "framework": a.framework_version.framework.code,
        "framework_version": a.framework_version.version,
        "status": a.status,
        "level": a.confirmed_level_code or a.level_code or None,
        "total": float(a.total) if a.total is not None else None,
        "submitted_at": a.submitted_at,
        "created_at": a.created_at,
    }


def evidence_out(e: Evidence) -> dict[str, Any]:
    return {
        "id": e.pk,
        "question_key": e.question_key,
        "name": e.original_name,
        "content_type": e.content_type,
        "size": e.size,
        "uploaded_at": e.uploaded_at,
        "download_url": f"/api/v1/evidence/{e.pk}/download/",
    }


class AssessmentListView(APIView):
    @extend_schema(
        operation_id="assessments_list",
        responses={200: OpenApiResponse(description="Assessments of my enterprises")},
    )
    def get(self, request: Request) -> Response:
        queryset = (
            Assessment.objects.filter(
                enterprise__in=Enterprise.objects.of_member(request.user).values("pk")
            )
            .with_version()
            .order_by("-created_at", "-id")
        )
        if enterprise := request.query_params.get("enterprise"):
            queryset = (
                queryset.filter(enterprise_id=enterprise)
                if enterprise.isdigit()
                else queryset.none()
            )
        if state := request.query_params.get("status"):
            queryset = queryset.filter(status=state)
        paginator = self.paginator
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response([assessment_brief(a) for a in page])

    @property
    def paginator(self) -> Any:
        from config.api import Pagination

        if not hasattr(self, "_paginator"):
            self._paginator = Pagination()
        return self._paginator

    @extend_schema(request=StartInput, responses={201: OpenApiResponse(description="The draft")})
    def post(self, request: Request) -> Response:
        data = StartInput(data=request.data)
        data.is_valid(raise_exception=True)
        enterprise = enterprise_get_for(request.user, data.validated_data["enterprise"], "edit")
        assessment = services.assessment_start(
            enterprise=enterprise,
            framework_code=data.validated_data["framework"],
            user=request.user,
        )
        body = assessment_brief(assessment)
        return Response(body, status=status.HTTP_201_CREATED)


class AssessmentDetailView(APIView):
    @extend_schema(responses={200: OpenApiResponse(description="The assessment with answers")})
    def get(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for(request.user, pk, "view")
        if assessment.answers_snapshot is not None:
            answers = {
                key: {"value": value, "revision": None}
                for key, value in assessment.answers_snapshot.items()
            }
        else:
            answers = {
                key: {"value": value, "revision": revision}
                for key, value, revision in Answer.objects.filter(
                    assessment=assessment
                ).values_list("question_key", "value", "revision")
            }
        body = assessment_brief(assessment)
        body["answers"] = answers
        body["progress"] = assessment_progress(
            assessment, {k: v["value"] for k, v in answers.items()}
        )
        return Response(body)


class AnswerView(APIView):
    @extend_schema(
        request=AnswerInput,
        responses={
            200: OpenApiResponse(description="{revision}"),
            409: OpenApiResponse(description="Stale revision or a submitted assessment"),
        },
    )
    def put(self, request: Request, pk: int, key: str) -> Response:
        assessment = assessment_get_for(request.user, pk, "edit")
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.answer_save(
            assessment=assessment,
            user=request.user,
            question_key=key,
            value=data.validated_data["value"],
            base_revision=data.validated_data["base_revision"],
        )
        return Response({"question_key": saved.question_key, "revision": saved.revision})


class AnswerRevisionsView(APIView):
    @extend_schema(responses={200: OpenApiResponse(description="Every write to this answer")})
    def get(self, request: Request, pk: int, key: str) -> Response:
        assessment = assessment_get_for(request.user, pk, "view")
        rows = AnswerRevision.objects.filter(
            assessment=assessment, question_key=key
        ).select_related("user")
        return Response(
            [
                {
                    "revision": r.revision,
                    "old_value": r.old_value,
                    "new_value": r.new_value,
                    "user": r.user.username if r.user else None,
                    "at": r.created_at,
                }
                for r in rows
            ]
        )


class SubmitView(APIView):
    @extend_schema(
        request=SubmitInput, responses={200: OpenApiResponse(description="{status, result}")}
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for(request.user, pk, "edit")
        data = SubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = services.assessment_submit(
            assessment=assessment, user=request.user, pledge=data.validated_data["pledge"]
        )
        return Response(
            {"status": assessment.status, "result": presenters.result_public(assessment.result)}
        )


class ResultView(APIView):
    @extend_schema(responses={200: OpenApiResponse(description="The result, as from score")})
    def get(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for(request.user, pk, "view")
        if assessment.result is None:
            # A draft: score what is saved so far, clearly marked as a preview.
            from assessments import scoring

            framework = compiled_framework(assessment.framework_version)
            answers = services.answers_of(assessment)
            result = scoring.score(framework, answers).to_dict()
            body = presenters.result_public(result)
            body["preview"] = True
        else:
            body = presenters.result_public(assessment.result)
            body["preview"] = False
        body["status"] = assessment.status
        body["confirmed_level"] = assessment.confirmed_level_code or None
        return Response(body)


class ReviewView(APIView):
    @extend_schema(request=ReviewInput, responses={200: OpenApiResponse(description="{status}")})
    def post(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for(request.user, pk, "review")
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        assessment = services.assessment_review(
            assessment=assessment,
            reviewer=request.user,
            decision=v["decision"],
            comment=v["comment"],
            confirmed_level=v["confirmed_level"],
        )
        new_draft = (
            Assessment.objects.filter(returned_from=assessment).values_list("pk", flat=True).first()
        )
        return Response(
            {
                "status": assessment.status,
                "confirmed_level": assessment.confirmed_level_code or None,
                "new_draft": new_draft,
            }
        )


class HistoryView(APIView):
    @extend_schema(responses={200: OpenApiResponse(description="Every decision on it")})
    def get(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for(request.user, pk, "view")
        rows = ReviewDecision.objects.filter(assessment=assessment).select_related("user")
        return Response(
            [
                {
                    "decision": d.decision,
                    "level": d.level_code or None,
                    "comment": d.comment,
                    "user": d.user.username if d.user else None,
                    "at": d.created_at,
                }
                for d in rows
            ]
        )


class MoveToLatestView(APIView):
    @extend_schema(request=None, responses={200: OpenApiResponse(description="{carried, dropped}")})
    def post(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for(request.user, pk, "edit")
        report = services.assessment_move_to_latest(assessment=assessment, user=request.user)
        return Response(
            {
                "framework_version": report.assessment.framework_version.version,
                "carried": report.carried,
                "dropped": report.dropped,
            }
        )


class EvidenceListView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(responses={200: OpenApiResponse(description="Evidence files")})
    def get(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for(request.user, pk, "view")
        return Response([evidence_out(e) for e in assessment.evidence.all()])

    @extend_schema(request=EvidenceInput, responses={201: OpenApiResponse(description="Stored")})
    def post(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for(request.user, pk, "edit")
        data = EvidenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = evidence_services.evidence_attach(
            assessment=assessment,
            user=request.user,
            question_key=data.validated_data["question_key"],
            upload=data.validated_data["file"],
        )
        return Response(evidence_out(evidence), status=status.HTTP_201_CREATED)


class EvidenceDownloadView(APIView):
    @extend_schema(responses={200: OpenApiResponse(description="The file, as an attachment")})
    def get(self, request: Request, pk: int) -> FileResponse:
        evidence = evidence_get_for(request.user, pk, "view")
        # Only the types an upload may have are named; anything else (a row from before
        # today's checks, or written by hand) goes out as opaque bytes, never as markup.
        content_type = evidence.content_type
        if content_type not in evidence_services.ALLOWED_TYPES:
            content_type = "application/octet-stream"
        response = FileResponse(
            evidence.file.open("rb"),
            as_attachment=True,
            filename=evidence.original_name,
            content_type=content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class EvidenceDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        evidence = evidence_get_for(request.user, pk, "edit")
        evidence_services.evidence_remove(evidence=evidence)
        return Response(status=status.HTTP_204_NO_CONTENT)
