"""The results page: who may see it, what it shows, a draft's preview, the history."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, FrameworkVersion
from assessments.services.assessments import answer_save, assessment_start, assessment_submit
from enterprises.models import User
from tests.conftest import Personas
from tests.factories import EnterpriseFactory
from tests.reports.conftest import BEST, LEVEL1, store_submitted

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def client_for(user: User | None, *, lang: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang  # the language switch's choice
    if user is not None:
        client.force_login(user)
    return client


def page(user: User, assessment: Assessment, *, lang: str = "en") -> str:
    response = client_for(user, lang=lang).get(reverse("assessment-result", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def svg_with_class(html: str, css_class: str) -> ET.Element:
    match = re.search(r'<svg [^>]*class="chart ' + css_class + r'".*?</svg>', html, re.S)
    assert match, f"no {css_class} chart inline"
    return ET.fromstring(match.group(0))  # noqa: S314 (our own output, under test)


def submit_through_services(personas: Personas, answers: dict) -> Assessment:
    draft = assessment_start(
        enterprise=personas.enterprise, framework_code="report-fw", user=personas.editor
    )
    for key, value in answers.items():
        answer_save(
            assessment=draft, user=personas.editor, question_key=key, value=value, base_revision=0
        )
    return assessment_submit(assessment=draft, user=personas.editor, pledge=True)


# Who may see it ---------------------------------------------------------------------

SUBMITTED_ACCESS = {
    "admin": 200,
    "editor": 200,
    "viewer": 200,
    "outsider": 404,
    "anchor": 404,
    "officer": 200,
    "other_officer": 404,
    "assessor": 404,  # a self-assessed result never went to review
    "platform_admin": 200,
}
DRAFT_ACCESS = {**SUBMITTED_ACCESS, "officer": 404}
PENDING_ACCESS = {**SUBMITTED_ACCESS, "assessor": 200}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("submitted", SUBMITTED_ACCESS),
        ("pending_review", PENDING_ACCESS),
        ("draft", DRAFT_ACCESS),
    ],
)
def test_every_persona_gets_the_result_page_it_may_see(
    personas: Personas, report_framework: FrameworkVersion, status: str, expected: dict
) -> None:
    if status == "draft":
        assessment = assessment_start(
            enterprise=personas.enterprise, framework_code="report-fw", user=personas.editor
        )
    else:
        assessment = store_submitted(personas.enterprise, LEVEL1, status=status)
    url = reverse("assessment-result", args=[assessment.pk])
    got = {name: client_for(user).get(url).status_code for name, user in personas.all().items()}
    assert got == expected


def test_an_anonymous_visitor_is_sent_to_sign_in(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = store_submitted(personas.enterprise, LEVEL1)
    response = Client().get(reverse("assessment-result", args=[assessment.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_unknown_assessment_is_404(personas: Personas) -> None:
    assert client_for(personas.admin).get("/assessments/999999/result/").status_code == 404


# What it shows ----------------------------------------------------------------------


def test_the_page_shows_total_level_radar_tables_and_gates(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = submit_through_services(personas, LEVEL1)
    assert assessment.status == "submitted"
    html = page(personas.viewer, assessment)
    assert "<strong>3</strong> / 8" in html
    assert 'class="level-badge level-1">Level 1<' in html
    assert "Preview" not in html
    # The radar: inline, one vertex per scored dimension (the scene dimension is left out).
    radar = svg_with_class(html, "chart-radar")
    series = next(
        el for el in radar.iter(f"{SVG}polygon") if "radar-series-0" in el.get("class", "")
    )
    assert len(series.get("points", "").split()) == 3
    assert "Scenes" not in "".join(radar.itertext())
    # ... and its table, with the unscored dimension marked as such.
    assert re.search(r"<th scope=\"row\">Equipment</th><td>2</td><td>4</td><td>50%</td>", html)
    assert re.search(r"<th scope=\"row\">Data</th><td>1</td><td>2</td><td>50%</td>", html)
    assert re.search(r"<th scope=\"row\">Scenes</th><td>0</td><td>0</td><td><span", html)
    # Areas.
    assert re.search(r'class="indent">Networking</th><td>2</td><td>2</td><td>100%</td>', html)
    assert re.search(
        r'class="indent">Manufacturing execution</th><td>0</td><td>2</td><td>0%</td>', html
    )
    # The next level's gates, nested, with actual and required values.
    assert "Towards the next level: Level 2" in html
    assert "All of the following (0 of 2 met)" in html
    assert "Total score at least 5 (now 3)" in html
    assert "“Data” score at least 2 (now 1)" in html
    assert html.count('class="gates"') == 3  # the level's, all_of's and any_of's
    assert "Not met" in html
    assert "<script" not in html


def test_the_page_is_in_chinese_by_default(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = store_submitted(personas.enterprise, LEVEL1)
    html = page(personas.admin, assessment, lang="zh-hans")
    assert '<html lang="zh-hans">' in html
    assert "一级" in html and "装备" in html and "总分达到 5 分（当前 3 分）" in html


def test_a_level_pending_review_says_so(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = submit_through_services(personas, BEST)
    assert assessment.status == "pending_review"
    html = page(personas.admin, assessment)
    assert 'class="level-badge level-2">Level 2<' in html
    assert "pending review" in html
    assert "The highest level of this framework is reached." in html


def test_a_confirmed_lower_level_shows_the_confirmed_one(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = store_submitted(personas.enterprise, BEST, status="confirmed")
    Assessment.objects.filter(pk=assessment.pk).update(confirmed_level_code="L1")
    html = page(personas.admin, assessment)
    assert 'class="level-badge level-1">Level 1<' in html
    assert "confirmed by review" in html
    assert "Self-assessed: Level 2" in html


def test_no_level_reached_uses_the_frameworks_name_for_it(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = store_submitted(personas.enterprise, {})
    html = page(personas.admin, assessment)
    assert "level-none" in html and "Below level 1" in html
    assert "Towards the next level: Level 1" in html


def test_a_draft_shows_a_marked_preview_of_the_saved_answers(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    draft = assessment_start(
        enterprise=personas.enterprise, framework_code="report-fw", user=personas.editor
    )
    for key in ("q_net", "q_data"):
        answer_save(
            assessment=draft,
            user=personas.editor,
            question_key=key,
            value=LEVEL1[key],
            base_revision=0,
        )
    html = page(personas.editor, draft)
    assert "Result preview" in html and 'class="preview-banner"' in html
    assert "<strong>3</strong> / 8" in html
    assert "Level (preview)" in html and "Level 1" in html
    draft.refresh_from_db()
    assert draft.result is None and draft.status == "draft"  # nothing was written


# History ----------------------------------------------------------------------------


def test_the_trend_lists_previous_submissions_of_this_framework_only(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    now = timezone.now()
    first = store_submitted(
        personas.enterprise, {}, status="confirmed", submitted_at=now - timedelta(days=400)
    )
    returned = store_submitted(
        personas.enterprise, BEST, status="returned", submitted_at=now - timedelta(days=300)
    )
    second = store_submitted(personas.enterprise, LEVEL1, submitted_at=now - timedelta(days=200))
    store_submitted(EnterpriseFactory(), BEST, submitted_at=now - timedelta(days=100))
    current = store_submitted(
        personas.enterprise, BEST, status="pending_review", submitted_at=now - timedelta(days=1)
    )
    html = page(personas.admin, current)
    history = html[html.index('id="history"') :]
    for row in (first, second):
        assert reverse("assessment-result", args=[row.pk]) in history
    assert reverse("assessment-result", args=[returned.pk]) not in history
    table = history.split("<table")[1].split("</table>")[0]
    dates = re.findall(r"\d{4}-\d{2}-\d{2}", table)
    assert len(dates) == 3 and dates == sorted(dates)
    assert "(this assessment)" in history
    trend = svg_with_class(html, "chart-line")
    line = next(trend.iter(f"{SVG}polyline"))
    assert len(line.get("points", "").split()) == 3
    assert [t.text for t in trend.iter(f"{SVG}text") if t.text in {"0", "3", "8"}][-3:] == [
        "0",
        "3",
        "8",
    ]


def test_the_page_keeps_its_query_count_as_history_and_peers_grow(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    client = client_for(personas.admin)
    now = timezone.now()
    current = store_submitted(personas.enterprise, LEVEL1, submitted_at=now)
    url = reverse("assessment-result", args=[current.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def grow(n: int) -> None:
        for i in range(n):
            days = len(Assessment.objects.all()) * 10 + i
            store_submitted(personas.enterprise, BEST, submitted_at=now - timedelta(days=days))
            store_submitted(EnterpriseFactory(), BEST)

    grow(1)
    baseline = queries()
    grow(6)
    assert queries() == baseline


def test_the_page_names_levels_without_reading_the_framework_document(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    """The compiled framework (cached per process) names the levels and the framework;
    the document, hundreds of KB for a shipped framework, is not fetched again."""
    client = client_for(personas.admin)
    current = store_submitted(personas.enterprise, LEVEL1)
    url = reverse("assessment-result", args=[current.pk])
    assert client.get(url).status_code == 200  # warm the compiled-framework cache
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url).content.decode()
    assert "Report test framework" in html
    assert not [q for q in ctx.captured_queries if '."definition"' in q["sql"]]
