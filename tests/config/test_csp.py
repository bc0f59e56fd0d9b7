"""Content Security Policy: every page carries the policy, and no page needs what it forbids
(inline script, inline style, event-handler attributes, javascript: links).

The walk below renders every page template of the site (admin overrides and the API docs
included) as the people who see it; a template that no request renders fails the test,
so a new page cannot skip the check. PDF templates are rendered by WeasyPrint, never
served to a browser, and keep their inline styles.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from assessments.models import Assessment
from assessments.services.assessments import answer_save, assessment_start, assessment_submit
from enterprises.models import SupplierLink
from enterprises.services_supply import reminder_opt_out_token
from reports.models import Certificate
from reports.services.certificates import certificate_issue
from tests.conftest import PASSWORD, Personas

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Rendered only inside other templates, or never served to a browser.
NOT_PAGES = ("base.html", "includes/", "reports/pdf/")
# Script types a browser does not execute: data blocks such as json_script.
DATA_SCRIPT_TYPES = {"application/json"}


def page_templates() -> set[str]:
    names = {str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")}
    return {n for n in names if not n.startswith(NOT_PAGES) and not Path(n).name.startswith("_")}


@dataclass
class InlineCode(HTMLParser):
    """Collects whatever a strict policy would block."""

    problems: list[str] = field(default_factory=list)
    _in_inline_script: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src"):
            kind = (values.get("type") or "text/javascript").lower()
            if kind not in DATA_SCRIPT_TYPES:
                self.problems.append(f"inline <script type={kind!r}>")
        if tag == "style":
            self.problems.append("inline <style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}=javascript:...>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.problems


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_the_policy_forbids_inline_script_and_framing(db) -> None:
    directives = policy(Client().get("/"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]


def test_the_checker_finds_what_the_policy_blocks() -> None:
    html = (
        '<script>alert(1)</script><script src="/static/x.js"></script>'
        '<script type="application/json" id="d">{}</script>'
        '<style>p{}</style><p style="color:red" onclick="x()">'
        '<a href="javascript:void(0)">x</a>'
    )
    assert len(inline_code(html)) == 5


@dataclass
class Site:
    personas: Personas
    submitted: Assessment
    pending: Assessment
    draft: Assessment
    certificate: Certificate

    @property
    def anchor_link(self) -> SupplierLink:
        return SupplierLink.objects.get(anchor=self.personas.anchor_enterprise)


@pytest.fixture
def site(personas: Personas, test_framework) -> Site:
    """An enterprise with a certified result, an assessment awaiting review and an open
    draft on the shipped framework."""
    editor = personas.editor

    def submit(values: dict[str, object]) -> Assessment:
        assessment = assessment_start(
            enterprise=personas.enterprise, framework_code="test-fw", user=editor
        )
        for key, value in values.items():
            answer_save(
                assessment=assessment, user=editor, question_key=key, value=value, base_revision=0
            )
        return assessment_submit(assessment=assessment, user=editor, pledge=True)

    submitted = submit({"q_net": "full", "q_mes": False})
    pending = submit({"q_net": "full", "q_mes": True})
    assert pending.status == Assessment.Status.PENDING_REVIEW
    draft = assessment_start(
        enterprise=personas.enterprise, framework_code="smart-factory-gradient", user=editor
    )
    # Issued here rather than on commit: the PDFs stay pending, so their waiting page shows.
    certificate = certificate_issue(assessment_id=submitted.pk)
    assert certificate is not None
    return Site(personas, submitted, pending, draft, certificate)


def pages(site: Site) -> Iterator[tuple[str, str, int]]:
    """(persona or "anonymous", path, expected status) for every page."""
    p = site.personas
    ent, anchor = p.enterprise.pk, p.anchor_enterprise.pk
    serial = site.certificate.serial
    yield "anonymous", "/", 200
    yield "anonymous", "/register/", 200
    yield "anonymous", "/login/", 200
    yield "anonymous", f"/verify/{serial}/", 200
    yield "anonymous", "/no-such-page/", 404
    yield "anonymous", "/api/docs/", 200
    yield "admin", "/", 200
    yield "admin", "/dashboard/", 200
    yield "admin", f"/enterprises/{ent}/", 200
    yield "admin", f"/enterprises/{ent}/members/", 200
    yield "admin", f"/enterprises/{ent}/assessments/", 200
    yield "admin", f"/assessments/{site.draft.pk}/", 200
    yield "admin", f"/assessments/{site.draft.pk}/submit/", 200
    yield "admin", f"/assessments/{site.submitted.pk}/result/", 200
    yield "admin", f"/assessments/{site.submitted.pk}/plan/", 200
    yield "admin", f"/certificates/{serial}/pdf/", 202
    yield "admin", f"/assessments/{site.submitted.pk}/report.pdf", 202
    yield "admin", "/supplier-requests/", 200
    yield "admin", f"/assessments/{site.submitted.pk}/sharing/", 200
    yield "admin", f"/enterprises/{ent}/reminder-settings/", 200
    yield "anonymous", f"/reminders/opt-out/{reminder_opt_out_token(p.enterprise.uscc)}/", 200
    yield "viewer", f"/assessments/{site.draft.pk}/", 200
    yield "viewer", f"/enterprises/{p.outsider_enterprise.pk}/", 404
    yield "anchor", f"/enterprises/{anchor}/suppliers/", 200
    yield "anchor", f"/enterprises/{anchor}/suppliers/chain/", 200
    yield "anchor", f"/enterprises/{anchor}/suppliers/dashboard/", 200
    yield "anchor", f"/enterprises/{anchor}/suppliers/requirements/", 200
    yield "anchor", f"/enterprises/{anchor}/suppliers/requirements/new/?framework=test-fw", 200
    yield "anchor", f"/enterprises/{anchor}/suppliers/{site.anchor_link.pk}/edit/", 200
    yield "anchor", f"/enterprises/{anchor}/suppliers/shared/", 200
    yield "assessor", "/reviews/", 200
    yield "assessor", f"/reviews/{site.pending.pk}/", 200
    yield "officer", "/dashboard/", 200
    yield "officer", "/audit/", 403
    yield "officer", "/exports/", 200
    yield "officer", "/analytics/?framework=test-fw", 200
    yield "officer", "/analytics/enterprises/?framework=test-fw&assessed=yes", 200
    yield "platform_admin", "/audit/", 200
    yield "platform_admin", "/admin/", 200
    yield "platform_admin", "/admin/assessments/frameworkversion/", 200
    yield "platform_admin", "/admin/assessments/frameworkversion/upload/", 200
    yield "platform_admin", f"/admin/enterprises/enterprise/{ent}/change/", 200


def test_every_page_has_the_policy_and_no_inline_code(site: Site) -> None:
    rendered: set[str] = set()
    problems: dict[str, list[str]] = {}
    clients: dict[str, Client] = {}
    for persona, path, expected in pages(site):
        client = clients.get(persona)
        if client is None:
            client = clients[persona] = Client()
            if persona != "anonymous":
                client.force_login(site.personas.all()[persona])
        response = client.get(path)
        assert response.status_code == expected, (persona, path, response.status_code)
        assert policy(response)["script-src"] == ["'self'"], path
        rendered.update(t.name for t in response.templates if t.name)
        if found := inline_code(response.content.decode()):
            problems[f"{persona} {path}"] = found
    # The sign-in lockout page.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = Client().post("/login/", {"username": "ent-admin", "password": "x" + PASSWORD})
    assert locked.status_code == 429
    assert policy(locked)["script-src"] == ["'self'"]
    rendered.update(t.name for t in locked.templates if t.name)
    if found := inline_code(locked.content.decode()):
        problems["locked out"] = found

    assert problems == {}
    missing = page_templates() - rendered
    assert not missing, f"no request of this test renders {sorted(missing)}: add its page"


def test_the_api_docs_load_their_start_up_script_from_the_same_origin(db) -> None:
    client = Client()
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert inline_code(html) == []
    assert 'src="/api/docs/?script="' in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    assert policy(page)["script-src"] == ["'self'"]
