"""A generated population is ready for the bureau dashboard: its settled results are
rebuilt after the bulk load, and the dashboard's numbers match the assessments."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from assessments.models import Assessment, SettledResult
from enterprises import services
from reports.analytics.scope import analytics_filters_parse, analytics_scope_for
from reports.analytics.selectors import analytics_dashboard

pytestmark = pytest.mark.django_db


def test_generating_a_population_leaves_one_settled_result_per_assessed_enterprise(
    settings,
) -> None:
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 1
    call_command(
        "generate_synthetic",
        "--enterprises",
        "60",
        "--seed",
        "3",
        "--as-of",
        "2026-06-15",
        "--workers",
        "1",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    settled = Assessment.objects.filter(
        status__in=["submitted", "confirmed"], submitted_at__isnull=False
    )
    expected = set(settled.values_list("enterprise_id", "framework_id").distinct())
    assert expected
    assert set(SettledResult.objects.values_list("enterprise_id", "framework_id")) == expected
    officer = services.bureau_officer_create(
        username="province", password="pw-Gradient-2026", region_codes=["320000"]
    ).user
    scope = analytics_scope_for(officer)
    for code in ("sme-digital-level-2024", "smart-factory-gradient"):
        filters = analytics_filters_parse(scope, {"framework": code})
        overview = analytics_dashboard(scope, filters)["overview"]
        assert overview["enterprises"] == 60
        assert overview["assessed"] == sum(
            1 for _e, framework_id in expected if framework_id == filters.framework.id
        )
