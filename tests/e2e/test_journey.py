"""One story in real browsers, each actor in a browser context of its own:

1. an enterprise registers, fills half of the questionnaire, reloads (its answers are
   intact), finishes, submits under the pledge, sees its level and radar chart,
   downloads its certificate and opens its verification link;
2. an anchor firm invites that very enterprise by the USCC it registered with, and
   sees no level while its request waits;
3. the enterprise's admin signs in in another browser and accepts the request;
4. only then does the anchor see the enterprise's level;
5. the officer of the bureau whose scope covers the enterprise's city opens the
   dashboard and finds the enterprise behind its numbers, while a firm of another city
   with the same answers never shows.

The live server's database is flushed after every test, so the story is one test; each
actor's steps run inside `Journey.step`, whose failure names the actor and the step.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from assessments.models import Answer, Assessment, FrameworkVersion
from assessments.services.settled import settled_results_rebuild
from enterprises import services
from enterprises.models import Enterprise, Role, SupplierLink
from reports.models import Certificate
from tests.assessments.helpers import best_answers, shipped_doc
from tests.e2e.conftest import Journey, journey_marks
from tests.factories import EnterpriseFactory, MembershipFactory, valid_uscc
from tests.reports.conftest import store_submitted

pytestmark = journey_marks()

FRAMEWORK = "sme-digital-level-2024"
PASSWORD = "Journey-Pass-2026!"


@dataclass
class Cast:
    """Who is already on the platform when the enterprise registers."""

    anchor: Enterprise  # a Suzhou anchor firm; its admin is `journey-anchor`
    peers: list[Enterprise]  # assessed Suzhou firms, enough for the dashboard to show levels
    elsewhere: Enterprise  # a Nanjing firm with the same answers, outside the officer's scope


@dataclass
class Firm:
    """The enterprise that registers through the browser, as the later actors know it."""

    name: str
    uscc: str
    username: str
    enterprise: Enterprise | None = None
    level_name: str = ""


@pytest.fixture
def cast(reference_loaded: None) -> Cast:
    anchor = EnterpriseFactory(name="苏州旅程链主集团", region_id="320506")
    user = MembershipFactory(
        enterprise=anchor, role=Role.ADMIN, user__username="journey-anchor"
    ).user
    user.set_password(PASSWORD)
    user.save()
    services.bureau_officer_create(
        username="journey-officer", password=PASSWORD, region_codes=["320500"]
    )
    version = FrameworkVersion.objects.latest_published(FRAMEWORK)
    best = best_answers(shipped_doc(FRAMEWORK))
    peers = [EnterpriseFactory(name=f"苏州同业企业{i}", region_id="320506") for i in range(5)]
    elsewhere = EnterpriseFactory(name="南京区外企业", region_id="320115")
    for enterprise in [*peers, elsewhere]:
        store_submitted(enterprise, best, version=version)
    settled_results_rebuild()  # results written past the services, as bulk loads are
    return Cast(anchor=anchor, peers=peers, elsewhere=elsewhere)


def register(page, firm: Firm) -> None:
    page.goto("/register/")
    page.fill("input[name=username]", firm.username)
    page.fill("input[name=email]", f"{firm.username}@example.cn")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    page.fill("input[name=name]", firm.name)
    page.fill("input[name=uscc]", firm.uscc)
    page.select_option("select[name=region_code]", "320505")
    page.select_option("select[name=industry_code]", "C38")
    page.fill("input[name=employees]", "120")
    page.fill("input[name=revenue_10k_yuan]", "8000")
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def answer(page, key: str, value: object) -> None:
    """Answer one question the way a person would: click, tick or type."""
    box = page.locator(f"fieldset#q-{key}")
    kind = box.get_attribute("data-type")
    if kind in ("single", "scene_level"):
        box.locator(f"input[type=radio][value='{value}']").check()
    elif kind == "boolean":
        box.locator(f"input[type=radio][value='{json.dumps(value)}']").check()
    elif kind == "multi":
        for option in value:  # type: ignore[union-attr]
            box.locator(f"input[type=checkbox][value='{option}']").check()
    elif kind == "number":
        box.locator("input[type=number]").fill(str(value))
        box.locator("input[type=number]").blur()
    else:
        box.locator("textarea").fill(str(value))
        box.locator("textarea").blur()


def wait_until_saved(page) -> None:
    page.wait_for_selector("#save-bar.is-ok", timeout=20_000)


def anchor_listing(a: Journey, anchor: Enterprise, firm: Firm) -> tuple[str, dict]:
    """The firm's row on the anchor's supplier page (reloaded) and in the API, as the
    anchor's session sees them."""
    a.page.reload()
    row = a.page.locator("table.supplier-table tbody tr", has_text=firm.uscc)
    assert row.count() == 1, "the firm is listed once on the anchor's supplier page"
    response = a.context.request.get(f"/api/v1/enterprises/{anchor.pk}/suppliers/")
    assert response.status == 200, response.text()
    listed = [item for item in response.json() if item["supplier"]["uscc"] == firm.uscc]
    assert len(listed) == 1, listed
    return row.inner_text(), listed[0]


def the_enterprise_registers_assesses_and_verifies_its_certificate(journey) -> Firm:
    firm = Firm(
        name="苏州旅程精密机械有限公司", uscc=valid_uscc("320505"), username="journey-admin"
    )
    j = journey("enterprise")
    page = j.page
    with j.step("registers"):
        register(page, firm)
        assert firm.name in page.content()
        firm.enterprise = Enterprise.objects.get(uscc=firm.uscc)
        j.shot("registered")

    with j.step("starts an assessment and fills half of it"):
        page.click("a[href$='/assessments/']")
        page.select_option("select[name=framework]", FRAMEWORK)
        page.click("form button[type=submit]")
        page.wait_for_selector("#questionnaire")
        assessment = Assessment.objects.get(enterprise=firm.enterprise)
        j.shot("questionnaire-empty")
        best = best_answers(shipped_doc(FRAMEWORK))
        keys = list(best)
        half = keys[: len(keys) // 2]
        for key in half:
            if page.locator(f"fieldset#q-{key}").is_visible():
                answer(page, key, best[key])
        wait_until_saved(page)
        saved = set(
            Answer.objects.filter(assessment=assessment).values_list("question_key", flat=True)
        )
        assert saved and saved <= set(half)
        j.shot("questionnaire-half")

    with j.step("reloads and finds every answer given"):
        page.reload()
        page.wait_for_selector("#questionnaire")
        for key in saved:
            box = page.locator(f"fieldset#q-{key}")
            checked = box.locator("input:checked").count()
            typed = box.locator("input[type=number], textarea")
            assert checked or (typed.count() and typed.first.input_value()), key
        j.shot("questionnaire-reloaded")

    with j.step("finishes and submits under the pledge"):
        for key in keys[len(keys) // 2 :]:
            if page.locator(f"fieldset#q-{key}").is_visible():
                answer(page, key, best[key])
        wait_until_saved(page)
        page.click("a[data-role=submit-link]")
        page.wait_for_selector("#pledge")
        j.shot("submit-pledge")
        page.check("input[name=pledge]")
        page.click("#pledge button[type=submit]")
        page.wait_for_load_state()
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.SUBMITTED
        assert assessment.level_code

    with j.step("sees its level and radar chart"):
        page.goto(f"/assessments/{assessment.pk}/result/")
        firm.level_name = page.locator(".level-badge").first.inner_text().strip()
        assert firm.level_name
        assert page.locator("svg.radar, svg[class*=radar]").count() >= 1
        j.shot("result")

    with j.step("downloads its certificate and opens its verification link"):
        certificate = Certificate.objects.get(assessment=assessment)
        with page.expect_download() as download:
            page.click(f"a[href='/certificates/{certificate.serial}/pdf/']")
        text = "".join(p.extract_text() for p in PdfReader(str(download.value.path())).pages)
        assert certificate.serial in text
        page.click(f"a[href='/verify/{certificate.serial}/']")
        page.wait_for_load_state()
        body = page.content()
        assert certificate.serial in body
        assert re.search("有效|valid", body)
        j.shot("verify")
    assert j.console_errors == []
    return firm


def the_anchor_invites_it_and_sees_no_level(journey, cast: Cast, firm: Firm) -> Journey:
    a = journey("anchor")
    with a.step("invites the registered firm by its USCC"):
        a.sign_in("journey-anchor", PASSWORD)
        a.page.click(f"a[href='/enterprises/{cast.anchor.pk}/']")
        a.page.click(f"nav.tabs a[href='/enterprises/{cast.anchor.pk}/suppliers/']")
        form = a.page.locator("#invite form")
        form.locator("input[name=uscc]").fill(firm.uscc)
        form.locator("input[name=name]").fill(firm.name)
        form.locator("input[name=contact_email]").fill("buyer@example.cn")
        form.locator("button[type=submit]").click()
        a.page.wait_for_load_state()
        link = SupplierLink.objects.get(anchor=cast.anchor, supplier_uscc=firm.uscc)
        assert link.supplier == firm.enterprise, "the invitation links the registered firm"
        assert link.status == SupplierLink.Status.INVITED

    with a.step("sees no level before the firm consents"):
        row, listed = anchor_listing(a, cast.anchor, firm)
        assert firm.level_name not in row
        assert listed["status"] == "invited" and listed["latest"] is None, listed
        a.shot("invited-not-shared")
    return a


def the_firm_accepts_in_its_own_browser(journey, cast: Cast, firm: Firm) -> None:
    s = journey("supplier")
    with s.step("signs in and accepts the anchor's request"):
        s.sign_in(firm.username, PASSWORD)
        s.page.click("a[href='/supplier-requests/']")
        row = s.page.locator("table.supplier-requests tbody tr", has_text=cast.anchor.name)
        assert row.count() == 1
        s.shot("request")
        row.locator("form[action$='/accept/'] button").click()
        s.page.wait_for_load_state()
        link = SupplierLink.objects.get(anchor=cast.anchor, supplier=firm.enterprise)
        assert link.status == SupplierLink.Status.ACCEPTED
        s.shot("accepted")
    assert s.console_errors == []


def the_anchor_now_sees_its_level(a: Journey, cast: Cast, firm: Firm) -> None:
    with a.step("sees the firm's level after its consent"):
        row, listed = anchor_listing(a, cast.anchor, firm)
        assert firm.level_name in row
        latest = firm.enterprise.assessments.get()  # type: ignore[union-attr]
        assert listed["latest"] and listed["latest"]["level"] == latest.level_code, listed
        a.shot("consented")
    assert a.console_errors == []


def the_bureau_officer_finds_it_behind_the_numbers(journey, cast: Cast, firm: Firm) -> None:
    o = journey("officer")
    with o.step("opens the dashboard of the firm's framework"):
        o.sign_in("journey-officer", PASSWORD)
        o.page.click("a.button[href='/analytics/']")
        o.page.click(f"nav.tabs a[href='?framework={FRAMEWORK}']")
        o.page.wait_for_selector("#overview")
        assert o.page.locator("#overview svg").count() >= 1
        o.shot("dashboard")

    with o.step("finds the firm behind the number of assessed enterprises"):
        o.page.click("#overview a[href*='assessed=yes']")
        o.page.wait_for_load_state()
        row = o.page.locator("table tbody tr", has_text=firm.name)
        assert row.count() == 1
        assert firm.level_name in row.inner_text()
        body = o.page.content()
        assert all(peer.name in body for peer in cast.peers)
        assert cast.elsewhere.name not in body  # another city, never in this scope
        o.shot("assessed-enterprises")

    with o.step("finds the firm among the anchor's consenting suppliers"):
        o.page.go_back()
        o.page.click(f"#chains a:has-text('{cast.anchor.name}')")
        o.page.wait_for_load_state()
        body = o.page.content()
        assert firm.name in body
        assert not any(peer.name in body for peer in cast.peers)
        o.shot("anchor-suppliers")
    assert o.console_errors == []


def test_a_firm_registers_and_is_followed_by_its_anchor_after_consent_and_by_its_bureau(
    journey, cast: Cast
) -> None:
    firm = the_enterprise_registers_assesses_and_verifies_its_certificate(journey)
    anchor = the_anchor_invites_it_and_sees_no_level(journey, cast, firm)
    the_firm_accepts_in_its_own_browser(journey, cast, firm)
    the_anchor_now_sees_its_level(anchor, cast, firm)
    the_bureau_officer_finds_it_behind_the_numbers(journey, cast, firm)
