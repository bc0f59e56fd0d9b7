"""Requirements over HTTP: the anchor's list and writes, one requirement, and the
requirements a supplier receives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import FrameworkVersion
from enterprises.models import SupplierLink
from reports.models import SupplyRequirement
from tests.conftest import Personas, api_as
from tests.reports.conftest import LEVEL1, store_submitted
from tests.reports.supply_helpers import link, requirement

pytestmark = pytest.mark.django_db

SOON = (timezone.localdate() + dt.timedelta(days=90)).isoformat()

# personas.enterprise is the anchor here: admin, editor and viewer are its members.
READ = {
    "admin": 200,
    "editor": 200,
    "viewer": 200,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 404,
}
WRITE = {**READ, "admin": "ok", "editor": 403, "viewer": 403}


def body(**overrides) -> dict:
    return {"framework": "report-fw", "min_level": "L1", "deadline": SOON, **overrides}


@pytest.mark.parametrize(("persona", "expected"), READ.items())
def test_the_anchors_members_read_its_requirements(
    personas: Personas, report_framework: FrameworkVersion, persona: str, expected: int
) -> None:
    found = requirement(personas.enterprise, min_level="L2", min_dimension_percents={"data": 50})
    client = api_as(personas.all()[persona])
    listed = client.get(f"/api/v1/enterprises/{personas.enterprise.pk}/requirements/")
    one = client.get(f"/api/v1/requirements/{found.pk}/")
    assert (listed.status_code, one.status_code) == (expected, expected)
    if expected == 200:
        assert listed.json() == [one.json()]
        data = one.json()
        assert data["framework"] == "report-fw" and data["min_level"]["code"] == "L2"
        assert data["min_dimension_percents"] == [{"key": "data", "name": "数据", "percent": 50.0}]
        assert data["group"] == "all" and data["anchor"] == personas.enterprise.pk


@pytest.mark.parametrize(("persona", "expected"), WRITE.items())
def test_only_the_anchors_admins_create_change_and_delete_requirements(
    personas: Personas, report_framework: FrameworkVersion, persona: str, expected
) -> None:
    client = api_as(personas.all()[persona])
    created = client.post(
        f"/api/v1/enterprises/{personas.enterprise.pk}/requirements/", body(), format="json"
    )
    existing = requirement(personas.enterprise)
    patched = client.patch(
        f"/api/v1/requirements/{existing.pk}/", {"min_level": "L2"}, format="json"
    )
    deleted = client.delete(f"/api/v1/requirements/{existing.pk}/")
    if expected == "ok":
        assert (created.status_code, patched.status_code, deleted.status_code) == (201, 200, 204)
        assert patched.json()["min_level"]["code"] == "L2"
        assert SupplyRequirement.objects.filter(anchor=personas.enterprise).count() == 1
    else:
        assert {created.status_code, patched.status_code, deleted.status_code} == {expected}
        assert SupplyRequirement.objects.filter(anchor=personas.enterprise).count() == 1
        existing.refresh_from_db()
        assert existing.min_level_code == "L1"


def test_anonymous_callers_get_401(personas: Personas, report_framework, api) -> None:
    found = requirement(personas.enterprise)
    assert api.get(f"/api/v1/requirements/{found.pk}/").status_code == 401
    assert api.get(f"/api/v1/enterprises/{personas.enterprise.pk}/requirements/").status_code == 401


def test_a_bad_requirement_gets_one_400_naming_every_field(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    response = api_as(personas.admin).post(
        f"/api/v1/enterprises/{personas.enterprise.pk}/requirements/",
        {
            "min_level": "L9",
            "deadline": "31/12/2030",
            "group": "tag",
            "min_dimension_percents": {"data": -1},
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"framework", "deadline", "tag", "min_dimension_percents.data"}
    assert not SupplyRequirement.objects.exists()


def test_a_patch_must_change_something_and_is_validated_whole(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    found = requirement(personas.enterprise, group="tier", tier=1)
    client = api_as(personas.admin)
    assert client.patch(f"/api/v1/requirements/{found.pk}/", {}, format="json").status_code == 400
    response = client.patch(
        f"/api/v1/requirements/{found.pk}/", {"group": "tag", "tier": None}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["tag"]
    response = client.patch(
        f"/api/v1/requirements/{found.pk}/", {"group": "tag", "tag": "电机"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["group"], response.json()["tier"], response.json()["tag"]) == (
        "tag",
        None,
        "电机",
    )


def test_the_requirements_list_does_a_fixed_number_of_queries(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    client = api_as(personas.admin)
    url = f"/api/v1/enterprises/{personas.enterprise.pk}/requirements/"

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    requirement(personas.enterprise)
    count()  # compiles the framework once per process
    few = count()
    for tier in range(1, 9):
        requirement(
            personas.enterprise, group="tier", tier=tier, framework="sme-digital-level-2024"
        )
    assert count() == few


# ---- what a supplier receives ----------------------------------------------------------


def received_url(personas: Personas) -> str:
    return f"/api/v1/enterprises/{personas.enterprise.pk}/requirements/received/"


@pytest.mark.parametrize(("persona", "expected"), READ.items())
def test_the_suppliers_members_read_what_their_customers_require(
    personas: Personas, report_framework: FrameworkVersion, persona: str, expected: int
) -> None:
    requirement(personas.anchor_enterprise, min_level="L1")
    response = api_as(personas.all()[persona]).get(received_url(personas))
    assert response.status_code == expected
    if expected == 200:
        [row] = response.json()
        assert row["anchor"]["name"] == personas.anchor_enterprise.name
        assert row["link"]["status"] == "invited"
        assert row["check"]["met"] is False
        assert [gap["kind"] for gap in row["check"]["gaps"]] == ["assessment"]
        # The anchor's grouping (its tags) is its own business.
        assert "tag" not in row["requirement"] and "group" not in row["requirement"]


def test_a_supplier_sees_requirements_while_invited_or_accepted_but_not_after_declining(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    requirement(personas.anchor_enterprise, min_level="L1")
    store_submitted(personas.enterprise, LEVEL1)
    client = api_as(personas.viewer)
    the_link = SupplierLink.objects.get(anchor=personas.anchor_enterprise)
    expected = {"invited": 1, "accepted": 1, "declined": 0, "revoked": 0}
    for status, count in expected.items():
        the_link.status = status
        the_link.save()
        rows = client.get(received_url(personas)).json()
        assert len(rows) == count, status
        if count:
            assert rows[0]["check"]["met"] is True and rows[0]["check"]["gaps"] == []


def test_only_requirements_that_apply_to_the_suppliers_tier_and_tags_are_received(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    the_link = SupplierLink.objects.get(anchor=personas.anchor_enterprise)
    the_link.tier, the_link.tags = 2, ["铸件"]
    the_link.save()
    requirement(personas.anchor_enterprise, group="tier", tier=1)
    wanted = requirement(personas.anchor_enterprise, group="tier", tier=2, days=10)
    tagged = requirement(personas.anchor_enterprise, group="tag", tag="铸件", days=20)
    requirement(personas.anchor_enterprise, group="tag", tag="电机")
    other_anchor_link = link(personas.outsider_enterprise, personas.enterprise, status="declined")
    requirement(other_anchor_link.anchor)
    rows = api_as(personas.admin).get(received_url(personas)).json()
    assert [row["requirement"]["id"] for row in rows] == [wanted.pk, tagged.pk]
    assert rows[0]["check"]["days_left"] == 10
