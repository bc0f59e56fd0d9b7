"""A framework with three scored dimensions (one with areas), an unscored scene
dimension and nested gates; and a way to store submitted results directly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from assessments.models import Assessment, FrameworkVersion
from assessments.selectors import compiled_framework
from assessments.services import frameworks as fw_services
from assessments.services.rescoring import stored_result
from enterprises.models import Enterprise

REPORT_YAML = """\
format: 1
code: report-fw
version: "1"
title: {zh-hans: 报告测试框架, en: Report test framework}
no_level_name: {zh-hans: 未达一级, en: Below level 1}
levels:
  - code: L1
    name: {zh-hans: 一级, en: Level 1}
    confirmation: self
    gates:
      - {type: total_at_least, value: 2}
  - code: L2
    name: {zh-hans: 二级, en: Level 2}
    confirmation: review
    gates:
      - type: all_of
        gates:
          - {type: total_at_least, value: 5}
          - type: any_of
            gates:
              - {type: dimension_at_least, dimension: data, value: 2}
              - {type: answer_at_least, question: q_scene, value: 3}
dimensions:
  - key: equip
    name: {zh-hans: 装备, en: Equipment}
    areas:
      - key: equip_net
        name: {zh-hans: 网络覆盖, en: Networking}
        questions:
          - key: q_net
            type: single
            text: {zh-hans: 网络, en: Network}
            options:
              - {value: none, label: {zh-hans: 无, en: None}, score: 0,
                 recommendation: {zh-hans: 建设网络, en: Build a network}}
              - {value: full, label: {zh-hans: 全覆盖, en: Full}, score: 2}
      - key: equip_mes
        name: {zh-hans: 制造执行, en: Manufacturing execution}
        questions:
          - key: q_mes
            type: boolean
            text: {zh-hans: 是否部署MES, en: MES deployed}
            score_true: 2
            recommendation: {zh-hans: 部署MES, en: Deploy an MES}
  - key: data
    name: {zh-hans: 数据, en: Data}
    questions:
      - key: q_data
        type: single
        text: {zh-hans: 数据采集, en: Data collection}
        options:
          - {value: none, label: {zh-hans: 无, en: None}, score: 0,
             recommendation: {zh-hans: 开始采集, en: Start collecting}}
          - {value: some, label: {zh-hans: 部分, en: Some}, score: 1,
             recommendation: {zh-hans: 扩大采集, en: Collect more}}
          - {value: all, label: {zh-hans: 全部, en: All}, score: 2}
  - key: people
    name: {zh-hans: 人才, en: People}
    questions:
      - key: q_train
        type: boolean
        text: {zh-hans: 是否开展培训, en: Training given}
        score_true: 2
        recommendation: {zh-hans: 开展培训, en: Train people}
  - key: scenes
    name: {zh-hans: 场景, en: Scenes}
    questions:
      - key: q_scene
        type: scene_level
        required: false
        text: {zh-hans: 计划排程, en: Planning and scheduling}
        descriptors:
          1: {zh-hans: 人工, en: Manual}
          2: {zh-hans: 系统辅助, en: System-aided}
          3: {zh-hans: 自动, en: Automatic}
          4: {zh-hans: 智能, en: Intelligent}
"""

# Totals: q_net full 2, q_mes 2, q_data all 2 / some 1, q_train 2 (max 8).
BEST = {"q_net": "full", "q_mes": True, "q_data": "all", "q_train": True, "q_scene": 4}
LEVEL1 = {"q_net": "full", "q_mes": False, "q_data": "some", "q_train": False}  # total 3


@pytest.fixture
def report_framework(db: None) -> FrameworkVersion:
    return fw_services.framework_import(source=REPORT_YAML, publish=True)


def store_submitted(
    enterprise: Enterprise,
    answers: dict[str, Any],
    *,
    version: FrameworkVersion | None = None,
    status: str | None = None,
    submitted_at: datetime | None = None,
) -> Assessment:
    """A submitted assessment with the engine's stored result, written directly."""
    version = version or FrameworkVersion.objects.latest_published("report-fw")
    assert version is not None
    computed = stored_result(compiled_framework(version), answers)
    if status is None:
        status = Assessment.Status.SUBMITTED
    return Assessment.objects.create(
        enterprise=enterprise,
        framework=version.framework,
        framework_version=version,
        status=status,
        answers_snapshot=answers,
        result=computed.result,
        total=computed.total,
        level_code=computed.level_code,
        confirmed_level_code=(computed.level_code if status == Assessment.Status.SUBMITTED else ""),
        engine_version=computed.engine_version,
        submitted_at=submitted_at or timezone.now(),
    )
