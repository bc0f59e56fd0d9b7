"""An enterprise's whole journey in a real browser: register, fill, reload, submit,
see its level and radar chart, download its certificate and open its verification link."""

from __future__ import annotations

import json
import re

from pypdf import PdfReader

from assessments.models import Answer, Assessment
from reports.models import Certificate
from tests.assessments.helpers import best_answers, shipped_doc
from tests.e2e.conftest import journey_marks
from tests.factories import valid_uscc

pytestmark = journey_marks()

FRAMEWORK = "sme-digital-level-2024"
PASSWORD = "Journey-Pass-2026!"


def register(page, *, name: str, uscc: str, username: str) -> None:
    page.goto("/register/")
    page.fill("input[name=username]", username)
    page.fill("input[name=email]", f"{username}@example.cn")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    page.fill("input[name=name]", name)
    page.fill("input[name=uscc]", uscc)
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


def test_an_enterprise_registers_assesses_submits_and_verifies_its_certificate(journey) -> None:
    j = journey("enterprise")
    page = j.page
    uscc = valid_uscc("320505")
    register(page, name="苏州旅程精密机械有限公司", uscc=uscc, username="journey-admin")
    assert "苏州旅程精密机械有限公司" in page.content()
    j.shot("registered")

    # Start the SME assessment from the enterprise's assessments page.
    page.click("a[href$='/assessments/']")
    page.select_option("select[name=framework]", FRAMEWORK)
    page.click("form button[type=submit]")
    page.wait_for_selector("#questionnaire")
    assessment = Assessment.objects.get(enterprise__uscc=uscc)
    j.shot("questionnaire-empty")

    best = best_answers(shipped_doc(FRAMEWORK))
    keys = list(best)
    half = keys[: len(keys) // 2]
    for key in half:
        if page.locator(f"fieldset#q-{key}").is_visible():
            answer(page, key, best[key])
    wait_until_saved(page)
    saved = set(Answer.objects.filter(assessment=assessment).values_list("question_key", flat=True))
    assert saved and saved <= set(half)
    j.shot("questionnaire-half")

    # A reload shows every answer already given.
    page.reload()
    page.wait_for_selector("#questionnaire")
    for key in saved:
        box = page.locator(f"fieldset#q-{key}")
        checked = box.locator("input:checked").count()
        typed = box.locator("input[type=number], textarea")
        assert checked or (typed.count() and typed.first.input_value()), key
    j.shot("questionnaire-reloaded")

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
    page.goto(f"/assessments/{assessment.pk}/result/")
    badge = page.locator(".level-badge").first
    assert badge.inner_text().strip()
    assert page.locator("svg.radar, svg[class*=radar]").count() >= 1
    j.shot("result")

    certificate = Certificate.objects.get(assessment=assessment)
    with page.expect_download() as download:
        page.click(f"a[href='/certificates/{certificate.serial}/pdf/']")
    pdf_path = download.value.path()
    text = "".join(p.extract_text() for p in PdfReader(str(pdf_path)).pages)
    assert certificate.serial in text

    page.click(f"a[href='/verify/{certificate.serial}/']")
    page.wait_for_load_state()
    body = page.content()
    assert certificate.serial in body
    assert re.search("有效|valid", body)
    j.shot("verify")
    assert j.console_errors == []
