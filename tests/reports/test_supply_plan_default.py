"""A supplier's improvement plan targets what its accepted customers require."""

from __future__ import annotations

import pytest
from django.test import Client

from assessments.models import FrameworkVersion
from enterprises.models import SupplierLink
from tests.conftest import Personas, api_as
from tests.reports.conftest import store_submitted
from tests.reports.supply_helpers import link, requirement

pytestmark = pytest.mark.django_db

NO_LEVEL = {"q_net": "none", "q_mes": False, "q_data": "none", "q_train": False}  # total 0


def accept(personas: Personas) -> SupplierLink:
    the_link = SupplierLink.objects.get(anchor=personas.anchor_enterprise)
    the_link.status = "accepted"
    the_link.save()
    return the_link


def plan(personas: Personas, user, assessment, query: str = "") -> dict:
    response = api_as(user).get(f"/api/v1/assessments/{assessment.pk}/plan/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_plan_targets_the_level_an_accepted_customer_requires(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = store_submitted(personas.enterprise, NO_LEVEL)
    requirement(personas.anchor_enterprise, min_level="L2", days=40)
    before = plan(personas, personas.admin, assessment)
    assert before["required_level"] is None and before["target_level"]["code"] == "L1"
    accept(personas)
    after = plan(personas, personas.viewer, assessment)
    assert after["required_level"] == "L2" and after["target_level"]["code"] == "L2"
    assert after["required_by"] == [
        {
            "anchor": {
                "id": personas.anchor_enterprise.pk,
                "name": personas.anchor_enterprise.name,
            },
            "level": {"code": "L2", "name": "二级"},
            "deadline": after["required_by"][0]["deadline"],
            "days_left": 40,
        }
    ]


def test_the_highest_level_required_wins_and_an_explicit_level_wins_over_it(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = store_submitted(personas.enterprise, NO_LEVEL)
    accept(personas)
    requirement(personas.anchor_enterprise, min_level="L1", days=10)
    other = link(personas.outsider_enterprise, personas.enterprise)
    requirement(other.anchor, min_level="L2", days=300)
    # A requirement for another tier or another framework does not apply.
    requirement(personas.anchor_enterprise, group="tier", tier=2, min_level="L2")
    found = plan(personas, personas.admin, assessment)
    assert found["required_level"] == "L2"
    assert [item["anchor"]["id"] for item in found["required_by"]] == [
        personas.outsider_enterprise.pk,
        personas.anchor_enterprise.pk,
    ]
    explicit = plan(personas, personas.admin, assessment, "?required_level=L1")
    assert explicit["required_level"] == "L1" and explicit["target_level"]["code"] == "L1"


@pytest.mark.parametrize("status", ["invited", "declined", "revoked"])
def test_a_customer_whose_request_is_not_accepted_does_not_steer_the_plan(
    personas: Personas, report_framework: FrameworkVersion, status: str
) -> None:
    assessment = store_submitted(personas.enterprise, NO_LEVEL)
    SupplierLink.objects.filter(anchor=personas.anchor_enterprise).update(status=status)
    requirement(personas.anchor_enterprise, min_level="L2")
    found = plan(personas, personas.admin, assessment)
    assert found["required_level"] is None and found["required_by"] == []


def test_people_outside_the_enterprise_are_not_shown_its_customers(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = store_submitted(personas.enterprise, NO_LEVEL)
    accept(personas)
    requirement(personas.anchor_enterprise, min_level="L2")
    for user in (personas.officer, personas.platform_admin):
        found = plan(personas, user, assessment)
        assert found["required_level"] is None and found["required_by"] == []


def test_the_plan_page_says_who_requires_what_by_when_and_adopts_against_it(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = store_submitted(personas.enterprise, NO_LEVEL)
    accept(personas)
    found = requirement(personas.anchor_enterprise, min_level="L2", days=40)
    client = Client()
    client.force_login(personas.admin)
    html = client.get(f"/assessments/{assessment.pk}/plan/").content.decode()
    assert 'id="required-by"' in html
    assert personas.anchor_enterprise.name in html and "二级" in html
    assert found.deadline.strftime("%Y-%m-%d") in html
    posted = client.post(
        f"/assessments/{assessment.pk}/plan/", {"question_key": "q_data", "status": "planned"}
    )
    assert posted.status_code == 302
    adopted = api_as(personas.admin).post(
        f"/api/v1/assessments/{assessment.pk}/plan/items/",
        {"question_key": "q_train"},
        format="json",
    )
    assert adopted.status_code == 201, adopted.content
    # Without a customer's requirement the section is absent.
    SupplierLink.objects.update(status="revoked")
    html = client.get(f"/assessments/{assessment.pk}/plan/").content.decode()
    assert 'id="required-by"' not in html
