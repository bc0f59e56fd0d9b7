"""Sharing one settled assessment's raw answers and evidence with one anchor firm: the
supplier's admins share and unshare; the anchor's members read while the share counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Assessment, AssessmentShare, Evidence
from assessments.services.assessments import assessment_start
from enterprises import services_supply
from enterprises.models import Membership, Role, SupplierLink
from tests.conftest import Personas, api_as
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def submit_with_evidence(personas: Personas, draft: Assessment) -> Assessment:
    client = api_as(personas.editor)
    upload = SimpleUploadedFile("测试报告.pdf", PDF, content_type="application/pdf")
    assert (
        client.post(
            f"/api/v1/assessments/{draft.pk}/evidence/",
            {"question_key": "q_net", "file": upload},
            format="multipart",
        ).status_code
        == 201
    )
    for key, value in (("q_net", "full"), ("q_mes", False)):
        response = client.put(
            f"/api/v1/assessments/{draft.pk}/answers/{key}/",
            {"value": value, "base_revision": 0},
            format="json",
        )
        assert response.status_code == 200, response.content
    response = client.post(f"/api/v1/assessments/{draft.pk}/submit/", {"pledge": True})
    assert response.status_code == 200, response.content
    return Assessment.objects.get(pk=draft.pk)


@pytest.fixture
def link(personas: Personas) -> SupplierLink:
    """The anchor persona's link to the enterprise persona, accepted."""
    found = SupplierLink.objects.get(
        anchor=personas.anchor_enterprise, supplier=personas.enterprise
    )
    return services_supply.supplier_link_accept(link=found)


@pytest.fixture
def submitted(personas: Personas, draft: Assessment) -> Assessment:
    return submit_with_evidence(personas, draft)


def shares_url(assessment: Assessment) -> str:
    return f"/api/v1/assessments/{assessment.pk}/shares/"


def share(personas: Personas, assessment: Assessment, link: SupplierLink):
    return api_as(personas.admin).post(shares_url(assessment), {"link": link.pk}, format="json")


def anchor_reads(personas: Personas, assessment: Assessment, user=None) -> list[int]:
    """Status codes of the reads an anchor's member attempts: answers, evidence list,
    evidence download, the questionnaire page."""
    client = api_as(user or personas.anchor)
    evidence = Evidence.objects.get(assessment=assessment)
    page = Client()
    page.force_login(user or personas.anchor)
    return [
        client.get(f"/api/v1/assessments/{assessment.pk}/").status_code,
        client.get(f"/api/v1/assessments/{assessment.pk}/evidence/").status_code,
        client.get(f"/api/v1/evidence/{evidence.pk}/download/").status_code,
        page.get(f"/assessments/{assessment.pk}/").status_code,
    ]


# ---- the supplier's side -----------------------------------------------------------------

LIST_SHARES = {
    "admin": 200,
    "editor": 200,
    "viewer": 200,
    "outsider": 404,
    "anchor": 404,
    "officer": 403,  # may view the assessment, not whom it is shared with
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 403,  # may view the assessment, not whom it is shared with
}


@pytest.mark.parametrize(("persona", "expected"), LIST_SHARES.items())
def test_the_enterprises_members_list_whom_an_assessment_is_shared_with(
    personas: Personas, link: SupplierLink, submitted: Assessment, persona: str, expected: int
) -> None:
    response = api_as(personas.all()[persona]).get(shares_url(submitted))
    assert response.status_code == expected
    if expected == 200:
        assert response.json() == [
            {
                "link": link.pk,
                "anchor": {"id": personas.anchor_enterprise.pk, "name": "无锡链主集团"},
                "link_status": "accepted",
                "shared": False,
                "shared_at": None,
            }
        ]


SHARE = {
    "admin": 201,
    "editor": 403,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 403,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 403,  # reads the assessment, changes nothing
}


@pytest.mark.parametrize(("persona", "expected"), SHARE.items())
def test_only_the_suppliers_admins_share_an_assessment(
    personas: Personas, link: SupplierLink, submitted: Assessment, persona: str, expected: int
) -> None:
    response = api_as(personas.all()[persona]).post(
        shares_url(submitted), {"link": link.pk}, format="json"
    )
    assert response.status_code == expected
    assert AssessmentShare.objects.count() == (1 if expected == 201 else 0)


# Once shared, the anchor reads the assessment, so changing its shares is a 403 for it.
@pytest.mark.parametrize(("persona", "expected"), {**SHARE, "admin": 204, "anchor": 403}.items())
def test_only_the_suppliers_admins_stop_sharing(
    personas: Personas, link: SupplierLink, submitted: Assessment, persona: str, expected: int
) -> None:
    assert share(personas, submitted, link).status_code == 201
    response = api_as(personas.all()[persona]).delete(f"{shares_url(submitted)}{link.pk}/")
    assert response.status_code == expected
    assert AssessmentShare.objects.count() == (0 if expected == 204 else 1)
    if expected == 204:
        assert anchor_reads(personas, submitted) == [404, 404, 404, 404]


def test_a_draft_cannot_be_shared(personas: Personas, link: SupplierLink, draft) -> None:
    response = share(personas, draft, link)
    assert response.status_code == 409
    assert "assessment" in response.json()["errors"]


def test_a_customer_whose_request_is_not_accepted_cannot_be_shared_with(
    personas: Personas, submitted: Assessment
) -> None:
    pending = SupplierLink.objects.get(anchor=personas.anchor_enterprise)
    response = share(personas, submitted, pending)
    assert response.status_code == 409
    assert "link" in response.json()["errors"]


def test_a_link_of_another_supplier_is_a_bad_field(
    personas: Personas, link: SupplierLink, submitted: Assessment
) -> None:
    other = SupplierLink.objects.create(
        anchor=personas.anchor_enterprise,
        supplier=personas.outsider_enterprise,
        supplier_uscc=personas.outsider_enterprise.uscc,
        supplier_name="南京他方",
        status=SupplierLink.Status.ACCEPTED,
        consented_at=timezone.now(),
    )
    response = share(personas, submitted, other)
    assert response.status_code == 400
    assert "link" in response.json()["errors"]
    assert api_as(personas.admin).delete(f"{shares_url(submitted)}{other.pk}/").status_code == 404


# ---- the anchor's side ---------------------------------------------------------------------


def test_the_anchor_reads_answers_and_evidence_only_once_shared(
    personas: Personas, link: SupplierLink, submitted: Assessment
) -> None:
    assert anchor_reads(personas, submitted) == [404, 404, 404, 404]
    assert share(personas, submitted, link).status_code == 201
    assert anchor_reads(personas, submitted) == [200, 200, 200, 200]
    body = api_as(personas.anchor).get(f"/api/v1/assessments/{submitted.pk}/").json()
    assert body["answers"]["q_net"]["value"] == "full"
    # Any member of the anchor reads; nobody else does.
    colleague = UserFactory(username="anchor-viewer")
    Membership.objects.create(
        user=colleague, enterprise=personas.anchor_enterprise, role=Role.VIEWER
    )
    assert anchor_reads(personas, submitted, colleague) == [200, 200, 200, 200]
    assert anchor_reads(personas, submitted, personas.outsider) == [404, 404, 404, 404]


def test_a_shared_assessment_stays_read_only_for_the_anchor(
    personas: Personas, link: SupplierLink, submitted: Assessment
) -> None:
    share(personas, submitted, link)
    client = api_as(personas.anchor)
    answer = client.put(
        f"/api/v1/assessments/{submitted.pk}/answers/q_net/",
        {"value": "none", "base_revision": 0},
        format="json",
    )
    assert answer.status_code == 403
    evidence = Evidence.objects.get()
    assert client.delete(f"/api/v1/evidence/{evidence.pk}/").status_code == 403
    assert client.get(shares_url(submitted)).status_code == 403
    assert client.post(shares_url(submitted), {"link": link.pk}).status_code == 403


def test_an_unshared_assessment_of_the_same_supplier_stays_hidden(
    personas: Personas, link: SupplierLink, submitted: Assessment
) -> None:
    share(personas, submitted, link)
    other = assessment_start(
        enterprise=personas.enterprise, framework_code="test-fw", user=personas.editor
    )
    other = submit_with_evidence(personas, other)
    assert anchor_reads(personas, other) == [404, 404, 404, 404]
    assert anchor_reads(personas, submitted) == [200, 200, 200, 200]


def test_revoking_consent_hides_shared_answers_and_accepting_again_does_not_restore_them(
    personas: Personas, link: SupplierLink, submitted: Assessment
) -> None:
    share(personas, submitted, link)
    services_supply.supplier_link_revoke(link=link)
    assert anchor_reads(personas, submitted) == [404, 404, 404, 404]
    # Accepting again (a second after) starts a new consent: old shares stay hidden.
    SupplierLink.objects.filter(pk=link.pk).update(
        status=SupplierLink.Status.DECLINED,
        consented_at=timezone.now() - dt.timedelta(days=1),
    )
    AssessmentShare.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    services_supply.supplier_link_accept(link=link)
    assert anchor_reads(personas, submitted) == [404, 404, 404, 404]
    rows = api_as(personas.admin).get(shares_url(submitted)).json()
    assert rows[0]["shared"] is False
    # Sharing again opens it.
    assert share(personas, submitted, link).status_code == 201
    assert anchor_reads(personas, submitted) == [200, 200, 200, 200]


ANCHOR_LIST = {
    "admin": 404,
    "editor": 404,
    "viewer": 404,
    "outsider": 404,
    "anchor": 200,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 404,
}


@pytest.mark.parametrize(("persona", "expected"), ANCHOR_LIST.items())
def test_only_the_anchors_members_list_what_was_shared_with_it(
    personas: Personas, link: SupplierLink, submitted: Assessment, persona: str, expected: int
) -> None:
    share(personas, submitted, link)
    user = personas.all()[persona]
    url = f"/api/v1/enterprises/{personas.anchor_enterprise.pk}/shared-assessments/"
    response = api_as(user).get(url)
    assert response.status_code == expected
    page = Client()
    page.force_login(user)
    assert (
        page.get(f"/enterprises/{personas.anchor_enterprise.pk}/suppliers/shared/").status_code
        == expected
    )
    if expected == 200:
        [row] = response.json()["results"]
        assert row["id"] == submitted.pk
        assert row["supplier"] == {"id": personas.enterprise.pk, "name": personas.enterprise.name}
        assert row["framework"] == "test-fw"
        assert row["level"] == "L1"
        assert row["url"] == f"/api/v1/assessments/{submitted.pk}/"


def test_the_anchors_list_drops_a_share_when_consent_is_revoked(
    personas: Personas, link: SupplierLink, submitted: Assessment
) -> None:
    share(personas, submitted, link)
    url = f"/api/v1/enterprises/{personas.anchor_enterprise.pk}/shared-assessments/"
    assert api_as(personas.anchor).get(url).json()["count"] == 1
    services_supply.supplier_link_revoke(link=link)
    assert api_as(personas.anchor).get(url).json()["count"] == 0


def test_the_anchors_shared_list_runs_a_fixed_number_of_queries(
    personas: Personas, test_framework
) -> None:
    anchor = personas.anchor_enterprise
    page = Client()
    page.force_login(personas.anchor)
    api = api_as(personas.anchor)
    api_url = f"/api/v1/enterprises/{anchor.pk}/shared-assessments/"
    page_url = f"/enterprises/{anchor.pk}/suppliers/shared/"

    def add_shares(count: int) -> None:
        for _n in range(count):
            supplier = EnterpriseFactory()
            accepted = SupplierLink.objects.create(
                anchor=anchor,
                supplier=supplier,
                supplier_uscc=supplier.uscc,
                supplier_name=supplier.name,
                status=SupplierLink.Status.ACCEPTED,
                consented_at=timezone.now() - dt.timedelta(days=1),
            )
            assessment = Assessment.objects.create(
                enterprise=supplier,
                framework=test_framework.framework,
                framework_version=test_framework,
                status=Assessment.Status.SUBMITTED,
                level_code="L1",
                confirmed_level_code="L1",
                submitted_at=timezone.now(),
            )
            AssessmentShare.objects.create(
                assessment=assessment, link=accepted, created_at=timezone.now()
            )

    add_shares(1)
    page.get(page_url)
    with CaptureQueriesContext(connection) as small_page:
        assert page.get(page_url).status_code == 200
    with CaptureQueriesContext(connection) as small_api:
        assert api.get(api_url).status_code == 200
    add_shares(6)
    with CaptureQueriesContext(connection) as large_page:
        response = page.get(page_url)
    with CaptureQueriesContext(connection) as large_api:
        assert api.get(api_url).json()["count"] == 7
    assert response.content.decode().count("/assessments/") >= 7
    assert len(large_page.captured_queries) == len(small_page.captured_queries)
    assert len(large_api.captured_queries) == len(small_api.captured_queries)


# ---- the pages -----------------------------------------------------------------------------


SHARING_PAGE = {**LIST_SHARES}


@pytest.mark.parametrize(("persona", "expected"), SHARING_PAGE.items())
def test_the_sharing_page_is_for_the_enterprises_members(
    personas: Personas, link: SupplierLink, submitted: Assessment, persona: str, expected: int
) -> None:
    client = Client()
    client.force_login(personas.all()[persona])
    response = client.get(f"/assessments/{submitted.pk}/sharing/")
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert "无锡链主集团" in html
        # Only administrators get the button.
        assert (f"/sharing/{link.pk}/share/" in html) == (persona == "admin")


def test_the_admin_shares_and_unshares_with_the_buttons(
    personas: Personas, link: SupplierLink, submitted: Assessment
) -> None:
    client = Client()
    client.force_login(personas.admin)
    questionnaire = client.get(f"/assessments/{submitted.pk}/").content.decode()
    assert f"/assessments/{submitted.pk}/sharing/" in questionnaire
    response = client.post(f"/assessments/{submitted.pk}/sharing/{link.pk}/share/", follow=True)
    assert response.status_code == 200
    assert "无锡链主集团 现在可以查看此次评估的答案和佐证材料。" in response.content.decode()
    assert anchor_reads(personas, submitted) == [200, 200, 200, 200]
    response = client.post(f"/assessments/{submitted.pk}/sharing/{link.pk}/unshare/", follow=True)
    assert response.status_code == 200
    assert anchor_reads(personas, submitted) == [404, 404, 404, 404]


@pytest.mark.parametrize(
    ("persona", "expected"),
    {**SHARE, "admin": 302, "anchor": 404}.items(),
)
def test_the_share_button_is_for_administrators_only(
    personas: Personas, link: SupplierLink, submitted: Assessment, persona: str, expected: int
) -> None:
    client = Client()
    client.force_login(personas.all()[persona])
    response = client.post(f"/assessments/{submitted.pk}/sharing/{link.pk}/share/")
    assert response.status_code == expected
    assert AssessmentShare.objects.exists() == (expected == 302)


def test_a_refused_share_on_the_page_says_why(personas: Personas, submitted: Assessment) -> None:
    pending = SupplierLink.objects.get(anchor=personas.anchor_enterprise)
    client = Client()
    client.force_login(personas.admin)
    response = client.post(f"/assessments/{submitted.pk}/sharing/{pending.pk}/share/", follow=True)
    assert "只能与您已接受其请求的客户共享" in response.content.decode()
    assert not AssessmentShare.objects.exists()
