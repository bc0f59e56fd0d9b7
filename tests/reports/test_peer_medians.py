"""Peer comparison: medians of other enterprises' latest results, only for groups of K."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, FrameworkVersion
from enterprises.models import Enterprise
from reports.selectors import peer_medians
from tests.conftest import Personas
from tests.factories import EnterpriseFactory
from tests.reports.conftest import BEST, LEVEL1, store_submitted

pytestmark = pytest.mark.django_db

CLUSTER = "new-power-equipment"
# Answer sets and their totals (max 8): equip / data / people percent in comments.
ANSWERS = [
    {},  # 0: 0 / 0 / 0
    {"q_net": "full"},  # 2: 50 / 0 / 0
    LEVEL1,  # 3: 50 / 50 / 0
    {"q_net": "full", "q_mes": True},  # 4: 100 / 0 / 0
    BEST,  # 8: 100 / 100 / 100
]


def peers(n: int, **enterprise: object) -> list[Enterprise]:
    """n other enterprises (industry C34 unless given), each with one submitted result."""
    made = []
    for answers in ANSWERS[:n]:
        other = EnterpriseFactory(name=f"同行企业{len(made)}号", **enterprise)
        store_submitted(other, answers)
        made.append(other)
    return made


def result_page(personas: Personas, assessment: Assessment) -> str:
    client = Client()
    client.force_login(personas.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("assessment-result", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def industry(result: dict) -> dict:
    return next(g for g in result["groups"] if g["kind"] == "industry")


def test_four_peers_are_too_few_to_compare(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    mine = store_submitted(personas.enterprise, LEVEL1)
    others = peers(4)
    group = industry(peer_medians(mine))
    assert group == {
        "kind": "industry",
        "code": "C34",
        "name": {"zh-hans": "通用设备制造业", "en": "Manufacture of General Purpose Machinery"},
        "enough": False,
        "size": None,
        "median_total": None,
        "dimensions": {},
    }
    html = result_page(personas, mine)
    assert "Too few enterprises to compare (fewer than 5)." in html
    assert "Median percent by dimension" not in html
    for other in others:
        assert other.name not in html


def test_five_peers_give_the_median_and_never_their_names(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    mine = store_submitted(personas.enterprise, LEVEL1)
    others = peers(5)
    group = industry(peer_medians(mine))
    assert group["enough"] is True
    assert group["size"] == 5
    assert group["median_total"] == 3.0  # of 0, 2, 3, 4, 8
    assert group["dimensions"] == {"equip": 50.0, "data": 0.0, "people": 0.0}
    html = result_page(personas, mine)
    peers_section = html[html.index('id="peers"') : html.index('id="history"')]
    assert "Too few" not in peers_section
    assert "<td>5</td><td>3</td><td>3</td><td>0</td>" in peers_section
    assert "Median percent by dimension" in peers_section
    for other in others:
        assert other.name not in html
        assert other.uscc not in html
    # The radar carries the industry median as a second series.
    assert "radar-series-1" in html


def test_only_each_peers_latest_counted_result_on_this_framework_counts(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    mine = store_submitted(personas.enterprise, LEVEL1)
    others = peers(5)
    now = timezone.now()
    # Older results, a returned one, a draft and another framework: none of them count.
    store_submitted(others[0], BEST, submitted_at=now - timedelta(days=30))
    store_submitted(others[1], BEST, status="returned", submitted_at=now + timedelta(days=1))
    Assessment.objects.create(
        enterprise=others[2],
        framework=report_framework.framework,
        framework_version=report_framework,
    )
    sme = FrameworkVersion.objects.latest_published("sme-digital-level-2024")
    store_submitted(others[3], {}, version=sme, submitted_at=now + timedelta(days=2))
    # The enterprise's own other results and other industries' peers stay out too.
    store_submitted(personas.enterprise, BEST, submitted_at=now - timedelta(days=5))
    store_submitted(EnterpriseFactory(industry_id="C35"), BEST)
    group = industry(peer_medians(mine))
    assert group["size"] == 5
    assert group["median_total"] == 3.0


def test_a_newer_result_replaces_a_peers_older_one(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    mine = store_submitted(personas.enterprise, LEVEL1)
    others = peers(5)
    # The peer at 0 climbs to 8: totals 8, 2, 3, 4, 8.
    store_submitted(others[0], BEST, submitted_at=timezone.now() + timedelta(days=1))
    assert industry(peer_medians(mine))["median_total"] == 4.0


def test_clusters_are_compared_separately_from_the_industry(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    personas.enterprise.clusters.add(CLUSTER)
    mine = store_submitted(personas.enterprise, LEVEL1)
    for other in peers(5, industry_id="C35"):
        other.clusters.add(CLUSTER)
    result = peer_medians(mine)
    assert industry(result)["enough"] is False
    cluster = next(g for g in result["groups"] if g["kind"] == "cluster")
    assert cluster["code"] == CLUSTER
    assert cluster["name"]["zh-hans"] == "新型电力装备"
    assert (cluster["enough"], cluster["size"], cluster["median_total"]) == (True, 5, 3.0)
    html = result_page(personas, mine)
    assert "Cluster: New Power Equipment" in html
    assert "Industry: Manufacture of General Purpose Machinery" in html
    assert "Too few enterprises to compare" in html  # the industry


def test_the_group_size_follows_the_setting(
    personas: Personas, report_framework: FrameworkVersion, settings: object
) -> None:
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 2  # type: ignore[attr-defined]
    mine = store_submitted(personas.enterprise, LEVEL1)
    peers(2)
    group = industry(peer_medians(mine))
    assert (group["enough"], group["median_total"]) == (True, 1.0)
    assert peer_medians(mine)["min_group"] == 2
    assert group["dimensions"] == {"equip": 25.0, "data": 0.0, "people": 0.0}


def test_a_draft_is_compared_with_its_preview_total(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    draft = Assessment.objects.create(
        enterprise=personas.enterprise,
        framework=report_framework.framework,
        framework_version=report_framework,
    )
    peers(5)
    html = result_page(personas, draft)
    assert "<td>5</td><td>3</td><td>0</td><td>−3</td>" in html


def test_peer_medians_take_a_fixed_number_of_queries(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    personas.enterprise.clusters.add(CLUSTER, "construction-machinery")
    mine = store_submitted(personas.enterprise, LEVEL1)
    peers(2)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            peer_medians(mine)
        return len(ctx.captured_queries)

    few = count()
    for other in peers(5) + peers(5, industry_id="C35"):
        other.clusters.add(CLUSTER)
    assert count() == few == 3
