"""The anchor's supply-chain dashboard (page, API, export rows, xlsx): access, numbers,
consent and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, FrameworkVersion
from enterprises.models import Enterprise, SupplierLink
from reports.models import ExportJob
from reports.supply.dashboard import anchor_dashboard, quarter_ends
from reports.supply.export import anchor_supplier_export_rows
from tests.conftest import Personas, api_as
from tests.factories import EnterpriseFactory
from tests.reports.conftest import BEST, LEVEL1, store_submitted
from tests.reports.supply_helpers import certify, draft_of, link, requirement

pytestmark = pytest.mark.django_db

# personas.enterprise is the anchor: its members read its dashboard.
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


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(anchor: Enterprise) -> str:
    return f"/enterprises/{anchor.pk}/suppliers/dashboard/"


def api_url(anchor: Enterprise) -> str:
    return f"/api/v1/enterprises/{anchor.pk}/suppliers/dashboard/"


def build_chain(anchor: Enterprise) -> dict[str, SupplierLink]:
    """Tier 1: one at L1 (earlier at none), one at L2 later; tier 2 tagged: one overdue,
    one invited with results it has not shared."""
    now = timezone.now()
    requirement(anchor, min_level="L2", days=60, min_dimension_percents={"people": 50})
    made = {}
    made["l1"] = link(anchor, tier=1, tags=["铸件"])
    store_submitted(made["l1"].supplier, LEVEL1, submitted_at=now - timedelta(days=200))
    made["l2"] = link(anchor, tier=1)
    store_submitted(made["l2"].supplier, LEVEL1, submitted_at=now - timedelta(days=200))
    certify(store_submitted(made["l2"].supplier, BEST, submitted_at=now - timedelta(days=5)))
    made["late"] = link(anchor, tier=2, tags=["电机"], parent=made["l1"])
    requirement(anchor, group="tag", tag="电机", min_level="L1", days=-3)
    made["invited"] = link(anchor, tier=2, status="invited")
    store_submitted(made["invited"].supplier, BEST)
    return made


@pytest.mark.parametrize(("persona", "expected"), READ.items())
def test_only_the_anchors_members_see_its_dashboard(
    personas: Personas, report_framework: FrameworkVersion, persona: str, expected: int
) -> None:
    build_chain(personas.enterprise)
    user = personas.all()[persona]
    page = signed_in(user).get(page_url(personas.enterprise))
    api = api_as(user).get(api_url(personas.enterprise))
    assert (page.status_code, api.status_code) == (expected,) * 2
    if expected == 200:
        assert api.json()["suppliers"] == 4
        assert 'id="laggards"' in page.content.decode()


def test_anonymous_visitors_are_turned_away(personas: Personas, report_framework, api) -> None:
    assert Client().get(page_url(personas.enterprise)).status_code == 302
    assert api.get(api_url(personas.enterprise)).status_code == 401


def test_the_dashboard_counts_statuses_levels_progress_and_laggards(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    anchor = personas.enterprise
    made = build_chain(anchor)
    data = api_as(personas.viewer).get(api_url(anchor)).json()
    counts = {row["status"]: row["count"] for row in data["statuses"]}
    # The supplier at L1 misses the L2 requirement before its deadline: "submitted".
    assert counts == {
        "invited": 1,
        "declined": 0,
        "revoked": 0,
        "accepted": 0,
        "assessing": 0,
        "submitted": 1,
        "certified": 0,
        "meets_requirement": 1,
        "overdue": 1,
    }
    assert data["suppliers"] == 4 and data["consenting"] == 3
    assert data["framework"]["code"] == "report-fw"
    [levels] = data["levels"]
    assert [(b["code"], b["count"]) for b in levels["levels"]] == [("L2", 1), ("L1", 1)]
    assert (levels["awaiting_review"], levels["not_assessed"]) == (0, 1)

    first, last = data["quarters"][0], data["quarters"][-1]
    assert [(lv["code"], lv["count"]) for lv in first["levels"]] == [("L1", 2), ("L2", 0)]
    assert [(lv["code"], lv["count"]) for lv in last["levels"]] == [("L1", 2), ("L2", 1)]
    assert first["requirement"] == {"count": 0, "of": 3, "share": 0.0}
    assert last["requirement"] == {"count": 1, "of": 3, "share": 33.3}

    heat = data["heatmap"]
    assert [c["key"] for c in heat["dimensions"]] == ["people", "equip", "data"]
    assert [c["mean"] for c in heat["dimensions"]] == [50.0, 75.0, 75.0]
    assert [row["group"] for row in heat["rows"]] == [1]  # tier 2's one consenter has no result
    by_tag = api_as(personas.viewer).get(api_url(anchor) + "?by=tag").json()["heatmap"]
    assert [(row["group"], row["suppliers"]) for row in by_tag["rows"]] == [("铸件", 1), ("", 1)]

    laggards = data["laggards"]
    assert laggards["count"] == 2
    first_laggard, second = laggards["results"]
    assert first_laggard["id"] == made["late"].pk and first_laggard["status"] == "overdue"
    kinds = [[gap["kind"] for gap in item["check"]["gaps"]] for item in first_laggard["unmet"]]
    assert kinds == [["assessment"], ["assessment"]]
    assert second["id"] == made["l1"].pk
    assert [gap["kind"] for gap in second["unmet"][0]["check"]["gaps"]] == ["level", "dimension"]


def test_a_supplier_that_declined_or_revoked_contributes_only_its_status(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    anchor = personas.enterprise
    build_chain(anchor)
    baseline = anchor_dashboard(anchor)
    _header, rows = anchor_supplier_export_rows(anchor)
    baseline_rows = list(rows)
    for status in ("declined", "revoked"):
        hidden = link(anchor, tier=1, tags=["铸件"], status=status)
        certify(store_submitted(hidden.supplier, BEST))
        draft_of(hidden.supplier)
        found = anchor_dashboard(anchor)
        counts = {row["status"]: row["count"] for row in found["statuses"]}
        assert counts[status] == 1 and found["suppliers"] == baseline["suppliers"] + 1
        for key in ("consenting", "levels", "quarters", "heatmap", "laggards", "frameworks"):
            assert found[key] == baseline[key], key
        _header, rows = anchor_supplier_export_rows(anchor)
        exported = list(rows)
        [own] = [row for row in exported if row[1] == hidden.supplier_uscc]
        assert own[:4] == (hidden.supplier.name, hidden.supplier_uscc, 1, "铸件")
        assert own[5:] == ("", "", None, "", "", "", None)
        assert [row for row in exported if row is not own] == baseline_rows
        hidden.delete()


def test_export_rows_give_one_row_per_applicable_requirement(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    anchor = personas.enterprise
    made = build_chain(anchor)
    header, rows = anchor_supplier_export_rows(anchor, chunk=2)
    assert len(header) == 12
    by_uscc: dict[str, list[tuple]] = {}
    for row in rows:
        assert len(row) == 12
        by_uscc.setdefault(row[1], []).append(row)
    [l2_row] = by_uscc[made["l2"].supplier_uscc]
    assert l2_row[5] == "报告测试框架" and l2_row[6] == "二级" and l2_row[7] == 8.0
    assert l2_row[8] == "装备 100%; 数据 100%; 人才 100%"
    assert l2_row[9] == "是" and l2_row[10] == "" and isinstance(l2_row[11], dt.date)
    late = by_uscc[made["late"].supplier_uscc]
    assert len(late) == 2 and all(row[9] == "否" for row in late)
    assert late[0][4] == "已逾期"
    [invited] = by_uscc[made["invited"].supplier_uscc]
    assert invited[5:] == ("", "", None, "", "", "", None)


def test_the_export_button_requests_an_export_job_of_the_anchors_suppliers(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    anchor = personas.enterprise
    build_chain(anchor)
    client = signed_in(personas.viewer)
    html = client.get(page_url(anchor)).content.decode()
    action = reverse("export-request", args=["anchor.suppliers"])
    assert f'action="{action}"' in html
    assert f'name="anchor" value="{anchor.pk}"' in html
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(action, {"anchor": str(anchor.pk), "format": "xlsx"})
    assert response.status_code == 302 and response["Location"] == reverse("exports")
    job = ExportJob.objects.get(requested_by=personas.viewer)
    assert (job.kind, job.format, job.params) == (
        "anchor.suppliers",
        "xlsx",
        {"anchor": str(anchor.pk)},
    )
    assert job.state == ExportJob.State.DONE
    assert job.rows_total == len(list(anchor_supplier_export_rows(anchor)[1]))


def test_the_page_draws_each_chart_beside_its_table_in_chinese(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    build_chain(personas.enterprise)
    html = signed_in(personas.admin).get(page_url(personas.enterprise)).content.decode()
    assert '<html lang="zh-hans">' in html
    for css_class in ("chart-bar", "chart-line", "chart-heatmap"):
        assert f'class="chart {css_class}"' in html
    assert "供应链看板" in html and "已逾期" in html
    assert "<script" not in html.split("<main>")[1]


def test_an_anchor_without_suppliers_gets_an_empty_state(personas: Personas) -> None:
    SupplierLink.objects.filter(anchor=personas.enterprise).delete()
    html = signed_in(personas.admin).get(page_url(personas.enterprise)).content.decode()
    assert 'id="dashboard-empty"' in html
    data = api_as(personas.admin).get(api_url(personas.enterprise)).json()
    assert data["suppliers"] == 0 and data["framework"] is None
    assert data["laggards"] == {"count": 0, "page": 1, "pages": 1, "results": []}


def test_laggards_come_a_page_at_a_time(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    anchor = personas.enterprise
    requirement(anchor, min_level="L2")
    for _ in range(3):
        link(anchor)
    first = anchor_dashboard(anchor, per_page=2)["laggards"]
    second = anchor_dashboard(anchor, page=2, per_page=2)["laggards"]
    assert (first["count"], first["pages"], len(first["results"])) == (3, 2, 2)
    assert len(second["results"]) == 1
    ids = {row["id"] for row in first["results"]} | {row["id"] for row in second["results"]}
    assert len(ids) == 3
    html = signed_in(personas.admin).get(page_url(anchor) + "?page=1").content.decode()
    assert "laggard-" in html


def test_the_dashboard_does_a_fixed_number_of_queries(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    anchor = personas.enterprise
    requirement(anchor, min_level="L2", min_dimension_percents={"data": 50})
    requirement(anchor, group="tag", tag="核心", min_level="L1", days=-1)
    client = signed_in(personas.admin)
    api = api_as(personas.admin)

    def add(n: int) -> None:
        for i in range(n):
            the_link = link(anchor, EnterpriseFactory(), tier=1 + i % 3, tags=["核心"][: i % 2])
            store_submitted(the_link.supplier, LEVEL1 if i % 2 else BEST)
            if i % 3 == 0:
                certify(Assessment.objects.filter(enterprise=the_link.supplier).latest("id"))
                draft_of(the_link.supplier)
            link(anchor, status=("invited", "declined", "revoked")[i % 3])

    def count() -> tuple[int, int]:
        counts = []
        for call in (
            lambda: client.get(page_url(anchor)),
            lambda: api.get(api_url(anchor) + "?by=tag"),
        ):
            with CaptureQueriesContext(connection) as ctx:
                assert call().status_code == 200
            counts.append(len(ctx.captured_queries))
        return tuple(counts)

    add(3)
    count()
    few = count()
    add(15)
    assert count() == few


def test_quarters_end_with_today_and_start_no_earlier_than_the_first_result() -> None:
    today = dt.date(2026, 11, 26)
    assert [end for _label, end in quarter_ends(today, since=today)] == [today]
    ends = [end for _label, end in quarter_ends(today, since=dt.date(2026, 2, 1))]
    assert ends == [dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 9, 30), today]
    assert len(quarter_ends(today, since=dt.date(2000, 1, 1))) == 8
