"""A city bureau officer opens the cluster dashboard and drills into the firms behind a
number; firms outside the officer's city never appear."""

from __future__ import annotations

import pytest

from enterprises import services
from tests.e2e.conftest import journey_marks
from tests.factories import EnterpriseFactory
from tests.reports.conftest import LEVEL1, REPORT_YAML, store_submitted

pytestmark = journey_marks()

PASSWORD = "Kq7-Bureau-Lantern-48"


@pytest.fixture
def province(reference_loaded):
    from assessments.services import frameworks
    from assessments.services.settled import settled_results_rebuild

    frameworks.framework_import(source=REPORT_YAML, publish=True)
    inside = [EnterpriseFactory(name=f"苏州样本企业{i}", region_id="320505") for i in range(6)]
    outside = EnterpriseFactory(name="南京区外企业", region_id="320115")
    for enterprise in [*inside, outside]:
        store_submitted(enterprise, LEVEL1)
    settled_results_rebuild()  # results written past the services, as bulk loads are
    services.bureau_officer_create(
        username="journey-officer", password=PASSWORD, region_codes=["320500"]
    )
    return inside, outside


def test_a_city_officer_sees_only_its_city_and_the_firms_behind_a_number(journey, province) -> None:
    inside, outside = province
    j = journey("officer")
    j.sign_in("journey-officer", PASSWORD)
    j.page.goto("/analytics/?framework=report-fw")
    j.page.wait_for_selector("#overview")
    assert j.page.locator("#overview svg, .analytics-section svg").count() >= 1
    j.shot("dashboard")

    j.page.goto("/analytics/enterprises/?framework=report-fw")
    body = j.page.content()
    assert all(enterprise.name in body for enterprise in inside)
    assert outside.name not in body
    j.shot("enterprises")
    assert j.console_errors == []
