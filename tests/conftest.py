"""Personas used everywhere (DESIGN.md): an enterprise admin, an enterprise viewer, an
outsider enterprise, an anchor firm, a supplier, a bureau officer in scope and one of
another region, an assessor, a platform admin."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments.models import Assessment, FrameworkVersion
from assessments.services import frameworks as fw_services
from enterprises import services
from enterprises.models import Enterprise, Role, SupplierLink, User
from tests.assessments.helpers import MINIMAL_YAML
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory

PASSWORD = "pw-Gradient-2026"


@dataclass
class Personas:
    enterprise: Enterprise  # the enterprise under test (Suzhou, 320505)
    admin: User
    editor: User
    viewer: User
    outsider_enterprise: Enterprise  # another tenant (Nanjing)
    outsider: User  # admin of the outsider enterprise
    anchor_enterprise: Enterprise
    anchor: User  # admin of an anchor firm linked to `enterprise` as supplier
    officer: User  # bureau officer whose scope covers Suzhou
    other_officer: User  # bureau officer of Wuxi
    assessor: User
    platform_admin: User

    def all(self) -> dict[str, User]:
        return {
            "admin": self.admin,
            "editor": self.editor,
            "viewer": self.viewer,
            "outsider": self.outsider,
            "anchor": self.anchor,
            "officer": self.officer,
            "other_officer": self.other_officer,
            "assessor": self.assessor,
            "platform_admin": self.platform_admin,
        }


@pytest.fixture
def personas(db: None) -> Personas:
    enterprise = EnterpriseFactory(name="苏州测试机械有限公司", region_id="320505")
    admin = MembershipFactory(
        enterprise=enterprise, role=Role.ADMIN, user__username="ent-admin"
    ).user
    editor = MembershipFactory(
        enterprise=enterprise, role=Role.EDITOR, user__username="ent-editor"
    ).user
    viewer = MembershipFactory(
        enterprise=enterprise, role=Role.VIEWER, user__username="ent-viewer"
    ).user
    outsider_enterprise = EnterpriseFactory(name="南京他方科技有限公司", region_id="320115")
    outsider = MembershipFactory(
        enterprise=outsider_enterprise, role=Role.ADMIN, user__username="outsider"
    ).user
    anchor_enterprise = EnterpriseFactory(name="无锡链主集团", region_id="320214")
    anchor = MembershipFactory(
        enterprise=anchor_enterprise, role=Role.ADMIN, user__username="anchor"
    ).user
    SupplierLink.objects.create(
        anchor=anchor_enterprise,
        supplier=enterprise,
        supplier_uscc=enterprise.uscc,
        supplier_name=enterprise.name,
        status=SupplierLink.Status.INVITED,
    )
    officer = services.bureau_officer_create(
        username="officer-sz", password=PASSWORD, region_codes=["320500"]
    ).user
    other_officer = services.bureau_officer_create(
        username="officer-wx", password=PASSWORD, region_codes=["320200"]
    ).user
    assessor = services.assessor_create(
        username="assessor", password=PASSWORD, organisation="诊断服务机构"
    ).user
    platform_admin = UserFactory(username="staff", is_staff=True, is_superuser=True)
    return Personas(
        enterprise=enterprise,
        admin=admin,
        editor=editor,
        viewer=viewer,
        outsider_enterprise=outsider_enterprise,
        outsider=outsider,
        anchor_enterprise=anchor_enterprise,
        anchor=anchor,
        officer=officer,
        other_officer=other_officer,
        assessor=assessor,
        platform_admin=platform_admin,
    )


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def api_as(user: User | None) -> APIClient:
    """An API client authenticated by token, as a third-party integration would be."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def reference_loaded(transactional_db: None) -> None:
    """Transactional tests start from a flushed database: reload what migrate installs."""
    from django.core.management import call_command

    from assessments.models import Framework, FrameworkVersion
    from assessments.services.frameworks import install_shipped

    call_command("load_reference_data", verbosity=0)
    install_shipped(Framework, FrameworkVersion)


@pytest.fixture
def test_framework(db: None) -> FrameworkVersion:
    """A two-question framework: L1 (self-assessed) at 2 points, L2 (review) at 4."""
    return fw_services.framework_import(source=MINIMAL_YAML, publish=True)


@pytest.fixture
def draft(personas: Personas, test_framework: FrameworkVersion) -> Assessment:
    from assessments.services.assessments import assessment_start

    return assessment_start(
        enterprise=personas.enterprise, framework_code="test-fw", user=personas.editor
    )
