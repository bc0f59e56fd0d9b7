"""An anchor firm invites a registered supplier, the supplier accepts in its browser,
and the anchor then sees the supplier's level; before consent it sees none."""

from __future__ import annotations

import pytest

from enterprises.models import Role, SupplierLink
from tests.e2e.conftest import journey_marks
from tests.factories import EnterpriseFactory, MembershipFactory
from tests.reports.conftest import LEVEL1, REPORT_YAML, store_submitted

pytestmark = journey_marks()

PASSWORD = "Anchor-Journey-2026!"


def _admin(enterprise, username: str):
    user = MembershipFactory(enterprise=enterprise, role=Role.ADMIN, user__username=username).user
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def chain(reference_loaded):
    from assessments.services import frameworks

    frameworks.framework_import(source=REPORT_YAML, publish=True)
    anchor = EnterpriseFactory(name="无锡旅程链主集团", region_id="320214")
    supplier = EnterpriseFactory(name="江阴旅程配件有限公司", region_id="320281")
    _admin(anchor, "journey-anchor")
    _admin(supplier, "journey-supplier")
    store_submitted(supplier, LEVEL1)
    return anchor, supplier


def test_an_anchor_sees_a_suppliers_level_only_after_it_accepts(journey, chain) -> None:
    anchor, supplier = chain
    a = journey("anchor")
    a.sign_in("journey-anchor", PASSWORD)
    a.page.goto(f"/enterprises/{anchor.pk}/suppliers/")
    form = a.page.locator("#invite form")
    form.locator("input[name=uscc]").fill(supplier.uscc)
    form.locator("input[name=name]").fill(supplier.name)
    form.locator("input[name=contact_email]").fill("buyer@example.cn")
    form.locator("button[type=submit]").click()
    a.page.wait_for_load_state()
    link = SupplierLink.objects.get(anchor=anchor, supplier=supplier)
    assert link.status == SupplierLink.Status.INVITED
    row = a.page.locator(f"tr:has-text('{supplier.name}')").first
    assert "一级" not in row.inner_text()  # no level before consent
    a.shot("invited")

    s = journey("supplier")
    s.sign_in("journey-supplier", PASSWORD)
    s.page.goto("/supplier-requests/")
    s.shot("request")
    s.page.locator(f"#link-{link.pk} form[action$='/accept/'] button").click()
    s.page.wait_for_load_state()
    link.refresh_from_db()
    assert link.status == SupplierLink.Status.ACCEPTED

    a.page.reload()
    row = a.page.locator(f"tr:has-text('{supplier.name}')").first
    assert "一级" in row.inner_text()
    a.shot("consented")
    assert a.console_errors == [] and s.console_errors == []
