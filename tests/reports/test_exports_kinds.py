"""The bureau export kinds: scope isolation, contents equal to the raw rows, filters,
framework versions, and a bounded number of queries per batch."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from assessments.models import Assessment
from assessments.services import frameworks as fw_services
from enterprises import services
from enterprises.errors import Forbidden, ValidationFailed
from enterprises.models import Enterprise
from reports.exports import clean_filters, get_kind, kinds_for
from tests.factories import EnterpriseFactory
from tests.reports.conftest import BEST, LEVEL1, REPORT_YAML, store_submitted
from tests.reports.export_helpers import FORMULA_NAME, World, read_rows, run_export, world

pytestmark = pytest.mark.django_db
__all__ = ["world"]

ENTERPRISES = "bureau.enterprises"
ASSESSMENTS = "bureau.assessments"


def _column(rows: list[list[Any]], header: str) -> list[Any]:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def _text(value: Any) -> str:
    """A cell as the CSV holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def test_officers_of_two_regions_export_disjoint_enterprises(world: World) -> None:
    mine = read_rows(run_export(world.personas.officer, ENTERPRISES))
    theirs = read_rows(run_export(world.personas.other_officer, ENTERPRISES))
    mine_ids = {int(v) for v in _column(mine, "企业编号")}
    their_ids = {int(v) for v in _column(theirs, "企业编号")}
    assert mine_ids == {e.pk for e in world.suzhou}
    assert their_ids == {e.pk for e in world.wuxi}
    assert not mine_ids & their_ids


def test_another_regions_officer_exports_none_of_the_first_officers_assessments(
    world: World,
) -> None:
    theirs = read_rows(run_export(world.personas.other_officer, ASSESSMENTS, framework="report-fw"))
    exported = {int(v) for v in _column(theirs, "企业编号")}
    assert exported == {e.pk for e in world.wuxi}
    assert not exported & {e.pk for e in world.suzhou + world.nanjing}


def test_a_cluster_scoped_officer_exports_only_enterprises_of_its_clusters(world: World) -> None:
    officer = services.bureau_officer_create(
        username="officer-nev",
        password="pw-Gradient-2026",
        region_codes=["320500"],
        cluster_codes=["new-power-equipment"],
    ).user
    rows = read_rows(run_export(officer, ENTERPRISES))
    assert [int(v) for v in _column(rows, "企业编号")] == [world.suzhou[1].pk]


def test_enterprise_rows_equal_a_reference_built_from_the_raw_rows(world: World) -> None:
    rows = read_rows(run_export(world.personas.officer, ENTERPRISES, framework="report-fw"))
    assert rows[0] == [
        "企业编号",
        "企业名称",
        "统一社会信用代码",
        "地区代码",
        "所在地区",
        "行业代码",
        "所属行业",
        "企业规模",
        "所属集群",
        "从业人员数",
        "年营业收入（万元）",
        "报告测试框架：等级",
        "报告测试框架：等级代码",
        "报告测试框架：总分",
        "报告测试框架：提交时间",
    ]
    level_names = {"L1": "一级", "L2": "二级"}
    expected = []
    for enterprise in sorted(world.suzhou, key=lambda e: e.pk):
        latest = (
            Assessment.objects.filter(
                enterprise=enterprise, status__in=["submitted", "pending_review", "confirmed"]
            )
            .order_by("-submitted_at")
            .first()
        )
        assert latest is not None
        code = latest.confirmed_level_code or latest.level_code
        clusters = ";".join(
            c.name for c in enterprise.clusters.order_by("code")
        )  # names, in code order
        expected.append(
            [
                str(enterprise.pk),
                enterprise.name if not enterprise.name.startswith("=") else "'" + enterprise.name,
                enterprise.uscc,
                enterprise.region_id,
                enterprise.region.name,
                enterprise.industry_id,
                enterprise.industry.name,
                enterprise.get_size_class_display(),
                clusters,
                str(enterprise.employees),
                _text(float(enterprise.revenue_10k_yuan)),
                level_names.get(code, "未达一级"),
                code,
                _text(float(latest.total)),
                timezone.localtime(latest.submitted_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    with translation.override("zh-hans"):
        assert rows[1:] == expected


def test_assessment_rows_equal_a_reference_built_from_the_raw_rows(world: World) -> None:
    rows = read_rows(run_export(world.personas.officer, ASSESSMENTS, framework="report-fw"))
    keys = ["q_net", "q_mes", "q_data", "q_train", "q_scene"]
    assert rows[0][-len(keys) :] == keys
    assert rows[0][:3] == ["评估编号", "企业编号", "企业名称"]
    counted = Assessment.objects.filter(
        enterprise__in=world.suzhou, status__in=["submitted", "pending_review", "confirmed"]
    ).order_by("pk")
    assert [int(v) for v in _column(rows, "评估编号")] == [a.pk for a in counted]
    for row, assessment in zip(rows[1:], counted, strict=True):
        answers = assessment.answers_snapshot
        assert row[-len(keys) :] == [_text(answers.get(key)) for key in keys]
        assert row[rows[0].index("框架版本")] == "1"
        assert row[rows[0].index("总分")] == _text(float(assessment.total))
        assert row[rows[0].index("状态")] == assessment.get_status_display()


def test_the_returned_and_draft_assessments_are_not_exported(world: World) -> None:
    rows = read_rows(run_export(world.personas.officer, ASSESSMENTS, framework="report-fw"))
    statuses = set(_column(rows, "状态"))
    assert statuses == {"已提交", "待评审"}


def test_filters_narrow_the_rows(world: World) -> None:
    officer = world.personas.officer
    kunshan = world.suzhou[1]
    by_region = read_rows(run_export(officer, ENTERPRISES, region="320583"))
    assert [int(v) for v in _column(by_region, "企业编号")] == [kunshan.pk]
    by_cluster = read_rows(run_export(officer, ENTERPRISES, cluster="automobiles-parts"))
    assert [int(v) for v in _column(by_cluster, "企业编号")] == [kunshan.pk]
    by_industry = read_rows(run_export(officer, ASSESSMENTS, framework="report-fw", industry="C38"))
    assert {int(v) for v in _column(by_industry, "企业编号")} == {kunshan.pk}
    by_date = read_rows(
        run_export(
            officer,
            ASSESSMENTS,
            framework="report-fw",
            date_from="2025-01-01",
            date_to="2025-01-10",
        )
    )
    assert [int(v) for v in _column(by_date, "评估编号")] == [world.assessments[0].pk]


def test_the_date_filter_picks_the_latest_level_within_the_range(world: World) -> None:
    rows = read_rows(
        run_export(
            world.personas.officer,
            ENTERPRISES,
            framework="report-fw",
            date_from="2025-01-01",
            date_to="2025-01-31",
        )
    )
    ids, codes = _column(rows, "企业编号"), _column(rows, "报告测试框架：等级代码")
    levels = dict(zip(ids, codes, strict=True))
    assert levels[str(world.personas.enterprise.pk)] == "L1"  # not the later L2
    assert levels[str(world.suzhou[1].pk)] == ""  # nothing submitted in January


def test_answers_of_every_version_are_exported_by_question_key(world: World) -> None:
    v2_source = REPORT_YAML.replace('version: "1"', 'version: "2"').replace(
        "      - key: q_train\n", "      - key: q_train2\n"
    )
    fw_services.framework_import(source=v2_source, publish=True)
    from assessments.models import FrameworkVersion

    v2 = FrameworkVersion.objects.get(framework__code="report-fw", version="2")
    answers = {**{k: v for k, v in BEST.items() if k != "q_train"}, "q_train2": True}
    newer = store_submitted(world.personas.enterprise, answers, version=v2)
    rows = read_rows(run_export(world.personas.officer, ASSESSMENTS, framework="report-fw"))
    header = rows[0]
    # The latest version's questions in order, then the key only version 1 asked.
    assert header[-6:] == ["q_net", "q_mes", "q_data", "q_train2", "q_scene", "q_train"]
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[str(newer.pk)][header.index("框架版本")] == "2"
    assert by_id[str(newer.pk)][header.index("q_train2")] == "TRUE"
    assert by_id[str(newer.pk)][header.index("q_train")] == ""
    old = world.assessments[1]
    assert by_id[str(old.pk)][header.index("q_train")] == "TRUE"
    assert by_id[str(old.pk)][header.index("q_train2")] == ""


def test_headers_follow_the_requesters_language(world: World) -> None:
    with translation.override("en"):
        job = run_export(world.personas.officer, ENTERPRISES, framework="report-fw")
    rows = read_rows(job)
    assert rows[0][:2] == ["Enterprise ID", "Enterprise name"]
    assert "Report test framework: level" in rows[0]


def test_formula_like_names_are_escaped_in_the_kinds_output(world: World) -> None:
    rows = read_rows(run_export(world.personas.officer, ENTERPRISES))
    assert "'" + FORMULA_NAME in _column(rows, "企业名称")


def test_only_officers_may_request_the_bureau_kinds(world: World) -> None:
    kind = get_kind(ENTERPRISES)
    assert kind is not None
    for name, user in world.personas.all().items():
        if name in ("officer", "other_officer"):
            kind.authorise(user)
            assert kind in kinds_for(user)
        else:
            with pytest.raises(Forbidden):
                kind.authorise(user)
            assert kind not in kinds_for(user)


def test_filter_errors_name_the_field(world: World) -> None:
    kind = get_kind(ASSESSMENTS)
    assert kind is not None
    officer = world.personas.officer
    with pytest.raises(ValidationFailed) as missing:
        clean_filters(kind, officer, {})
    assert set(missing.value.errors) == {"filters.framework"}
    with pytest.raises(ValidationFailed) as bad:
        clean_filters(
            kind,
            officer,
            {
                "framework": "report-fw",
                "region": "320200",  # Wuxi: outside the Suzhou officer's scope
                "date_from": "2025-02-01",
                "date_to": "2025-01-01",
                "colour": "red",
            },
        )
    assert set(bad.value.errors) == {"filters.region", "filters.date_to", "filters.colour"}
    clean = clean_filters(kind, officer, {"framework": "report-fw", "date_from": "2025-02-01"})
    assert clean == {"framework": "report-fw", "date_from": "2025-02-01"}


@pytest.mark.parametrize(("kind_code", "filters"), [(ENTERPRISES, {}), (ASSESSMENTS, None)])
def test_queries_per_batch_do_not_grow_with_the_rows(
    world: World, kind_code: str, filters: dict[str, Any] | None
) -> None:
    if filters is None:
        filters = {"framework": "report-fw"}
    for n in range(12):
        extra = EnterpriseFactory(name=f"苏州批量企业{n}", region_id="320506")
        extra.clusters.add("new-power-equipment")
        store_submitted(extra, LEVEL1 if n % 2 else BEST)
    kind = get_kind(kind_code)
    assert kind is not None
    source = kind.source(world.personas.officer, filters)
    total = source.count()
    with CaptureQueriesContext(connection) as small:
        batches = list(source.batches(3))
    with CaptureQueriesContext(connection) as large:
        one_batch = list(source.batches(100))
    assert len(one_batch) == 1 and sum(len(b) for b in batches) == total == len(one_batch[0])
    per_batch = len(large.captured_queries) - 1  # the closing empty page
    assert per_batch <= 3
    # n batches of 3 cost n times a batch of 100, plus the closing empty page.
    assert len(small.captured_queries) == len(batches) * per_batch + 1


def test_enterprise_count_matches_the_rows(world: World) -> None:
    kind = get_kind(ENTERPRISES)
    assert kind is not None
    source = kind.source(world.personas.officer, {})
    assert source.count() == sum(len(b) for b in source.batches(1)) == len(world.suzhou)
    assert Enterprise.objects.in_scope_of(world.personas.officer).count() == len(world.suzhou)


def test_the_xlsx_export_holds_the_same_rows_with_formula_like_text_as_plain_strings(
    world: World,
) -> None:
    from pathlib import Path

    from openpyxl import load_workbook

    officer = world.personas.officer
    as_csv = read_rows(run_export(officer, ENTERPRISES, framework="report-fw"))
    job = run_export(officer, ENTERPRISES, "xlsx", framework="report-fw")
    as_xlsx = read_rows(job)

    def same(value: Any) -> Any:
        """A cell comparable across formats: numbers as floats, text as is."""
        text = _text(value).removeprefix("'")
        try:
            return float(text)
        except ValueError:
            return text

    assert [[same(v) for v in row] for row in as_xlsx] == [[same(v) for v in row] for row in as_csv]
    sheet = load_workbook(Path(job.file.path)).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=2)]
    hostile = next(cell for cell in names if cell.value == FORMULA_NAME)
    assert hostile.data_type == "s" and hostile.quotePrefix
