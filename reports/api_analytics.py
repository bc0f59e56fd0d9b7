"""Cluster analytics over the API: the summary (API.md) and the enterprises behind a number.

Bureau officers only: anyone else signed in gets 403, anonymous callers 401. Every
number is limited to the officer's scope; bad filters are 400 naming the field.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import Pagination

from .analytics.scope import analytics_filters_parse, analytics_scope_for
from .analytics.selectors import analytics_summary, enterprise_list, enterprise_list_parse

FILTER_PARAMETERS = [
    OpenApiParameter(
        "framework",
        str,
        description="Framework code; the first published framework (by code) if omitted.",
    ),
    OpenApiParameter("cluster", str, description="Cluster code (within the officer's scope)."),
    OpenApiParameter(
        "region",
        str,
        description="GB/T 2260 region code; selects the region and everything inside it.",
    ),
    OpenApiParameter("industry", str, description="GB/T 4754 division, such as C34."),
    OpenApiParameter("size", str, enum=["large", "medium", "small", "micro"]),
]


class DimensionMeanOut(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    mean = serializers.FloatField(
        allow_null=True, help_text="Mean score; null below the group-size threshold"
    )
    mean_percent = serializers.FloatField(
        allow_null=True, help_text="Mean percent of the dimension's maximum"
    )
    enterprises = serializers.IntegerField(help_text="Assessed enterprises with this dimension")


class SummaryOut(serializers.Serializer):
    framework = serializers.CharField()
    enterprises = serializers.IntegerField(help_text="Registered enterprises in scope")
    assessed = serializers.IntegerField(
        help_text="Enterprises with a settled assessment (submitted or confirmed)"
    )
    assessed_share = serializers.FloatField(allow_null=True, help_text="Percent assessed")
    levels = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Level code -> enterprises at that level (their latest settled assessment); "
        "empty when suppressed",
    )
    no_level = serializers.IntegerField(
        allow_null=True, help_text="Assessed enterprises below the first level"
    )
    mean_percent = serializers.FloatField(
        allow_null=True, help_text="Mean total score, percent of the maximum"
    )
    dimensions = DimensionMeanOut(many=True)
    suppressed = serializers.BooleanField(
        help_text="True when fewer than min_group enterprises are assessed: levels and "
        "means are withheld"
    )
    min_group = serializers.IntegerField(help_text="The k-anonymity threshold")


class AnalyticsEnterpriseOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    region_code = serializers.CharField()
    region = serializers.CharField()
    industry_code = serializers.CharField()
    industry = serializers.CharField()
    size_class = serializers.CharField()
    assessed = serializers.BooleanField()
    level_code = serializers.CharField(
        allow_null=True, help_text='"" below the first level; null if not assessed'
    )
    level_name = serializers.CharField()
    total = serializers.FloatField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)
    settled_at = serializers.DateTimeField(allow_null=True)
    assessment_id = serializers.IntegerField(allow_null=True)


class AnalyticsEnterprisePageOut(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AnalyticsEnterpriseOut(many=True)


class AnalyticsSummaryView(APIView):
    @extend_schema(
        operation_id="analytics_summary",
        parameters=FILTER_PARAMETERS,
        responses={200: SummaryOut, 400: None, 401: None, 403: None},
    )
    def get(self, request: Request) -> Response:
        scope = analytics_scope_for(request.user)
        filters = analytics_filters_parse(scope, request.query_params)
        return Response(SummaryOut(analytics_summary(scope, filters)).data)


class AnalyticsEnterpriseListView(APIView):
    @extend_schema(
        operation_id="analytics_enterprises",
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter(
                "level", str, description='A level code, or "none" for below the first level.'
            ),
            OpenApiParameter("assessed", str, enum=["yes", "no"]),
            OpenApiParameter(
                "gate",
                str,
                description="A gate key <version id>.<level code>.<index>: the enterprises "
                "that miss it for their next level.",
            ),
            OpenApiParameter(
                "anchor", int, description="An anchor firm in scope: its accepted suppliers."
            ),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: AnalyticsEnterprisePageOut, 400: None, 401: None, 403: None},
    )
    def get(self, request: Request) -> Response:
        scope = analytics_scope_for(request.user)
        filters = analytics_filters_parse(scope, request.query_params)
        drill = enterprise_list_parse(scope, filters, request.query_params)
        paginator = Pagination()
        per_page = paginator.get_page_size(request) or 50
        page = enterprise_list(
            scope, filters, drill, page=request.query_params.get("page", 1), per_page=per_page
        )
        base = request.build_absolute_uri(request.path)
        query = request.query_params.copy()

        def link(number: int) -> str:
            query["page"] = str(number)
            return f"{base}?{query.urlencode()}"

        return Response(
            {
                "count": page.paginator.count,
                "next": link(page.next_page_number()) if page.has_next() else None,
                "previous": link(page.previous_page_number()) if page.has_previous() else None,
                "results": AnalyticsEnterpriseOut(page.object_list, many=True).data,
            }
        )
