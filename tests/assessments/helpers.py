"""Answer sets derived from a framework document (best answers, empty answers)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

FRAMEWORKS = Path(__file__).resolve().parents[2] / "assessments" / "frameworks"
SHIPPED = ["sme-digital-level-2024", "smart-factory-gradient"]


def shipped_doc(code: str) -> dict[str, Any]:
    return yaml.safe_load((FRAMEWORKS / f"{code}.yaml").read_text(encoding="utf-8"))


def iter_questions(doc: dict[str, Any]):
    for dim in doc["dimensions"]:
        if "areas" in dim:
            for area in dim["areas"]:
                yield from area.get("questions", [])
        else:
            yield from dim.get("questions", [])


def best_value(q: dict[str, Any]) -> Any:
    kind = q["type"]
    if kind == "single":
        return max(q["options"], key=lambda o: Decimal(str(o.get("score", 0))))["value"]
    if kind == "multi":
        return [o["value"] for o in q["options"] if not o.get("exclusive")]
    if kind == "number":
        bands = q.get("bands") or []
        top = q.get("max")
        if bands:
            below = [b["upto"] for b in bands if b.get("upto") is not None]
            candidate = (max(below) + 1) if below else 1
            if top is not None:
                candidate = top
            return candidate
        return top if top is not None else (q.get("min") or 0)
    if kind == "scene_level":
        return 4
    if kind == "boolean":
        return Decimal(str(q.get("score_true", 0))) >= Decimal(str(q.get("score_false", 0)))
    return "说明"


def best_answers(doc: dict[str, Any]) -> dict[str, Any]:
    return {q["key"]: best_value(q) for q in iter_questions(doc)}


MINIMAL_YAML = """\
format: 1
code: test-fw
version: "1"
title: {zh-hans: 测试框架, en: Test framework}
no_level_name: {zh-hans: 无等级, en: No level}
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
      - {type: total_at_least, value: 4}
dimensions:
  - key: base
    name: {zh-hans: 基础, en: Base}
    questions:
      - key: q_net
        type: single
        text: {zh-hans: 网络, en: Network}
        options:
          - {value: none, label: {zh-hans: 无, en: None}, score: 0,
             recommendation: {zh-hans: 建设网络, en: Build a network}}
          - {value: full, label: {zh-hans: 全覆盖, en: Full}, score: 2}
      - key: q_mes
        type: boolean
        text: {zh-hans: 是否部署MES, en: MES deployed}
        score_true: 2
        recommendation: {zh-hans: 部署MES, en: Deploy an MES}
"""
