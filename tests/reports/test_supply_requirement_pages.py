"""Pages of requirements: the anchor's list and forms, the supplier's requests page that
shows what is asked of it, and the anchor's supplier list with each link's progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import FrameworkVersion
from enterprises.models import SupplierLink
from reports.models import SupplyRequirement
from tests.conftest import Personas
from tests.factories import EnterpriseFactory
from tests.reports.conftest import LEVEL1, store_submitted
from tests.reports.supply_helpers import link, requirement

pytestmark = pytest.mark.django_db

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
WRITE = {**READ, "editor": 403, "viewer": 403}


def signed_in(user, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def base(personas: Personas) -> str:
    return f"/enterprises/{personas.enterprise.pk}/suppliers/requirements/"


def form_data(**overrides) -> dict:
    deadline = timezone.localdate() + dt.timedelta(days=50)
    return {
        "framework": "report-fw",
        "group": "all",
        "min_level": "L2",
        "deadline": deadline.isoformat(),
        "dim_data": "60",
        "note": "年底前完成",
        **overrides,
    }


@pytest.mark.parametrize(("persona", "expected"), READ.items())
def test_the_anchors_members_see_its_requirements_and_only_admins_get_the_forms(
    personas: Personas, report_framework: FrameworkVersion, persona: str, expected: int
) -> None:
    requirement(personas.enterprise, min_level="L2", note="请尽快评估")
    response = signed_in(personas.all()[persona]).get(base(personas))
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert "二级" in html and "请尽快评估" in html
        assert ('id="new-requirement"' in html) == (persona == "admin")


@pytest.mark.parametrize(("persona", "expected"), WRITE.items())
def test_only_the_anchors_admins_add_change_and_delete_requirements(
    personas: Personas, report_framework: FrameworkVersion, persona: str, expected: int
) -> None:
    client = signed_in(personas.all()[persona])
    existing = requirement(personas.enterprise)
    new = client.get(base(personas) + "new/?framework=report-fw")
    created = client.post(base(personas) + "new/", form_data())
    edit_url = f"{base(personas)}{existing.pk}/edit/"
    edit = client.get(edit_url)
    edited = client.post(edit_url, form_data(min_level="L1", dim_data=""))
    deleted = client.post(f"{base(personas)}{existing.pk}/delete/")
    if expected == 200:
        assert (new.status_code, edit.status_code) == (200, 200)
        assert (created.status_code, edited.status_code, deleted.status_code) == (302, 302, 302)
        [left] = SupplyRequirement.objects.filter(anchor=personas.enterprise)
        assert left.min_level_code == "L2" and left.min_dimension_percents == {"data": 60}
        assert left.note == "年底前完成" and left.created_by == personas.admin
    else:
        codes = {new.status_code, created.status_code, edit.status_code, edited.status_code}
        assert codes | {deleted.status_code} == {expected}
        [left] = SupplyRequirement.objects.filter(anchor=personas.enterprise)
        assert left.pk == existing.pk and left.min_level_code == "L1"


def test_the_form_shows_errors_beside_the_fields_and_saves_nothing(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    client = signed_in(personas.admin, "en")
    response = client.post(
        base(personas) + "new/", form_data(group="tier", tier="", dim_data="120")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ensure this value is less than or equal to 100." in html
    response = client.post(base(personas) + "new/", form_data(group="tier", tier=""))
    assert response.status_code == 400
    assert "Enter a tier from 1 to 99." in response.content.decode()
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(base(personas) + "new/", form_data(deadline=past))
    assert "The deadline cannot be in the past." in response.content.decode()
    assert not SupplyRequirement.objects.exists()


def test_an_unknown_framework_or_another_anchors_requirement_is_not_found(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    client = signed_in(personas.admin)
    assert client.get(base(personas) + "new/?framework=nope").status_code == 404
    assert client.get(base(personas) + "new/").status_code == 404
    elsewhere = requirement(personas.outsider_enterprise)
    assert client.get(f"{base(personas)}{elsewhere.pk}/edit/").status_code == 404
    assert client.post(f"{base(personas)}{elsewhere.pk}/delete/").status_code == 404
    assert SupplyRequirement.objects.filter(pk=elsewhere.pk).exists()


def test_the_requirements_page_does_a_fixed_number_of_queries(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    requirement(personas.enterprise, min_level="L2")
    requirement(personas.enterprise, group="tier", tier=2)
    client = signed_in(personas.admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(base(personas)).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for i in range(n):
            the_link = link(personas.enterprise, tier=1 + i % 2)
            store_submitted(the_link.supplier, LEVEL1)

    add(2)
    count()
    few = count()
    add(10)
    assert count() == few


# ---- the supplier's requests page --------------------------------------------------------


def test_the_supplier_sees_what_each_customer_requires_with_gaps_and_days_left(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    requirement(personas.anchor_enterprise, min_level="L2", days=12, note="明年招标前完成")
    store_submitted(personas.enterprise, LEVEL1)
    client = signed_in(personas.admin, "en")
    html = client.get("/supplier-requests/").content.decode()
    assert "Report test framework" in html and "at least Level 2" in html
    assert "12 days left" in html and "Not met yet" in html
    assert "Level Level 1, below Level 2." in html and "明年招标前完成" in html
    SupplierLink.objects.filter(anchor=personas.anchor_enterprise).update(status="declined")
    html = client.get("/supplier-requests/").content.decode()
    assert "at least Level 2" not in html


def test_the_requests_page_with_requirements_does_a_fixed_number_of_queries(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    client = signed_in(personas.admin)
    store_submitted(personas.enterprise, LEVEL1)

    def add(n: int) -> None:
        for _ in range(n):
            the_link = link(EnterpriseFactory(), personas.enterprise, status="invited")
            requirement(the_link.anchor, min_level="L2")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/supplier-requests/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    add(2)
    count()
    few = count()
    add(9)
    assert count() == few


# ---- the anchor's supplier list ----------------------------------------------------------


def test_the_supplier_list_shows_each_links_progress_and_the_admins_label_links(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    the_link = link(personas.enterprise, tags=["铸件"])
    store_submitted(the_link.supplier, LEVEL1)
    url = f"/enterprises/{personas.enterprise.pk}/suppliers/"
    html = signed_in(personas.admin).get(url).content.decode()
    assert 'class="status-badge status-submitted"' in html and "铸件" in html
    assert f"/suppliers/{the_link.pk}/edit/" in html
    assert f"/enterprises/{personas.enterprise.pk}/suppliers/dashboard/" in html
    viewer_html = signed_in(personas.viewer).get(url).content.decode()
    assert f"/suppliers/{the_link.pk}/edit/" not in viewer_html
