"""Bureau scope: region prefixes and optional clusters, computed in SQL."""

from __future__ import annotations

import pytest

from enterprises import services
from enterprises.models import Enterprise, region_prefix
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "prefix"), [("320000", "32"), ("320500", "3205"), ("320505", "320505")]
)
def test_region_prefix(code: str, prefix: str) -> None:
    assert region_prefix(code) == prefix


def test_a_city_scope_covers_its_districts_only() -> None:
    inside = EnterpriseFactory(region_id="320505")
    also_inside = EnterpriseFactory(region_id="320583")
    EnterpriseFactory(region_id="320214")
    officer = services.bureau_officer_create(
        username="o", password="pw-Gradient-2026", region_codes=["320500"]
    ).user
    assert set(Enterprise.objects.in_scope_of(officer)) == {inside, also_inside}


def test_a_province_scope_covers_every_city() -> None:
    a = EnterpriseFactory(region_id="320505")
    b = EnterpriseFactory(region_id="320214")
    EnterpriseFactory(region_id="110000")
    officer = services.bureau_officer_create(
        username="o", password="pw-Gradient-2026", region_codes=["320000"]
    ).user
    assert set(Enterprise.objects.in_scope_of(officer)) == {a, b}


def test_clusters_narrow_the_scope_and_count_an_enterprise_once() -> None:
    both = EnterpriseFactory(region_id="320505")
    both.clusters.set(["iot", "integrated-circuits"])
    other = EnterpriseFactory(region_id="320505")
    other.clusters.set(["high-end-textiles"])
    officer = services.bureau_officer_create(
        username="o",
        password="pw-Gradient-2026",
        region_codes=["320500"],
        cluster_codes=["iot", "integrated-circuits"],
    ).user
    assert list(Enterprise.objects.in_scope_of(officer)) == [both]


def test_people_without_a_scope_see_nothing_through_it(db) -> None:
    from tests.factories import UserFactory

    EnterpriseFactory()
    assert not Enterprise.objects.in_scope_of(UserFactory()).exists()
