"""Small framework documents for the scoring tests, built fresh on every call.

``sample_doc()`` covers every question type, areas and direct questions, show_if of
each kind, and every gate type. Its maxima: foundation 26 (equipment 14, systems 12),
management 7.5, scenes 4; total 37.5.
"""

from __future__ import annotations

from typing import Any


def t(zh: str, en: str | None = None) -> dict[str, str]:
    """A bilingual text."""
    return {"zh-hans": zh, "en": en} if en is not None else {"zh-hans": zh}


def option(value: str, score: float, *, exclusive: bool = False, rec: bool = True) -> dict:
    node: dict[str, Any] = {
        "value": value,
        "label": t(f"选项{value}", f"Option {value}"),
        "score": score,
    }
    if rec:
        node["recommendation"] = t(f"建议{value}", f"Advice {value}")
    if exclusive:
        node["exclusive"] = True
    return node


def scene(key: str, tags: list[str], **extra: Any) -> dict:
    return {
        "key": key,
        "type": "scene_level",
        "text": t(f"场景{key}", f"Scene {key}"),
        "tags": tags,
        "descriptors": {
            level: t(f"{key}第{level}级", f"{key} level {level}") for level in range(1, 5)
        },
        **extra,
    }


def sample_doc() -> dict[str, Any]:
    """The main test framework (see the module docstring for its maxima)."""
    return {
        "format": 1,
        "code": "sample-framework",
        "version": "2024.1",
        "title": t("样例框架", "Sample framework"),
        "no_level_name": t("无等级", "No level"),
        "tag_labels": {
            "mandatory": t("约束性场景", "mandatory scenes"),
            "scene": t("场景", "scenes"),
            "ai": t("人工智能场景", "AI scenes"),
        },
        "levels": [
            {
                "code": "L1",
                "name": t("一级", "Level 1"),
                "confirmation": "self",
                "gates": [
                    {"type": "total_at_least", "value": 10},
                    {
                        "type": "scenes_at_least",
                        "tag": "scene",
                        "level": 1,
                        "count": 2,
                        "mandatory_tag": "mandatory",
                        "mandatory_count": 1,
                    },
                    {"type": "answer_equals", "question": "q_above_size", "value": True},
                ],
            },
            {
                "code": "L2",
                "name": t("二级", "Level 2"),
                "confirmation": "self",
                "gates": [
                    {"type": "dimension_at_least", "dimension": "foundation", "value": 15},
                    {"type": "dimension_percent_at_least", "dimension": "management", "value": 50},
                    {"type": "area_at_least", "area": "systems", "value": 5},
                    {"type": "answer_at_least", "question": "q_cmmm", "value": 2},
                    {"type": "answer_equals", "question": "q_it_coverage", "value": "multiple"},
                ],
            },
            {
                "code": "L3",
                "name": t("三级", "Level 3"),
                "confirmation": "review",
                "gates": [
                    {
                        "type": "tagged_share_at_least",
                        "tag": "ai",
                        "of_tag": "scene",
                        "level": 2,
                        "share": 0.5,
                    },
                    {
                        "type": "all_of",
                        "gates": [
                            {"type": "answer_at_least", "question": "s_quality", "value": 3},
                            {
                                "type": "any_of",
                                "gates": [
                                    {
                                        "type": "answer_equals",
                                        "question": "q_industry",
                                        "value": "process",
                                    },
                                    {"type": "total_at_least", "value": 30},
                                ],
                            },
                        ],
                    },
                ],
            },
        ],
        "dimensions": [
            {
                "key": "foundation",
                "name": t("数字化基础", "Digital foundation"),
                "areas": [
                    {
                        "key": "equipment",
                        "name": t("设备系统", "Equipment"),
                        "questions": [
                            {
                                "key": "q_network",
                                "type": "multi",
                                "text": t("网络建设情况？", "Network build-out?"),
                                "max_score": 6,
                                "options": [
                                    option("none", 0, exclusive=True, rec=False),
                                    option("ics", 2),
                                    option("sys", 2),
                                    option("g5", 2),
                                    option("full", 2),
                                ],
                            },
                            {
                                "key": "q_digital_rate",
                                "type": "number",
                                "text": t("设备数字化率", "Equipment digitisation rate"),
                                "unit": t("%"),
                                "min": 0,
                                "max": 100,
                                "bands": [
                                    {"upto": 10, "score": 0, "recommendation": t("提高")},
                                    {"upto": 20, "score": 1.5, "recommendation": t("提高")},
                                    {"upto": 40, "score": 3, "recommendation": t("提高")},
                                    {"upto": 60, "score": 4.5, "recommendation": t("提高")},
                                    {"upto": None, "score": 6},
                                ],
                                "evidence_fields": [
                                    {
                                        "key": "devices_total",
                                        "label": t("设备总数"),
                                        "unit": t("台"),
                                    },
                                    {"key": "devices_digital", "label": t("数字化设备数")},
                                ],
                            },
                            {
                                "key": "q_has_5g",
                                "type": "boolean",
                                "text": t("是否建设5G网络？", "Has a 5G network?"),
                                "score_true": 2,
                                "recommendation": t("建设5G", "Build 5G"),
                            },
                        ],
                    },
                    {
                        "key": "systems",
                        "name": t("信息系统", "IT systems"),
                        "questions": [
                            {
                                "key": "q_it_coverage",
                                "type": "single",
                                "text": t("信息系统覆盖", "IT coverage"),
                                "options": [
                                    option("none", 0),
                                    option("one", 2.5),
                                    option("multiple", 5),
                                    option("most", 7.5),
                                    option("all", 10, rec=False),
                                ],
                            },
                            {
                                "key": "q_5g_uses",
                                "type": "multi",
                                "text": t("5G应用", "5G uses"),
                                "show_if": {"question": "q_has_5g", "equals": True},
                                "options": [option("agv", 1), option("video", 1)],
                            },
                        ],
                    },
                ],
            },
            {
                "key": "management",
                "name": t("数字化管理", "Digital management"),
                "questions": [
                    {
                        "key": "q_plan",
                        "type": "single",
                        "text": t("规划实施", "Planning"),
                        "weight": 2,
                        "options": [
                            option("a", 0),
                            option("b", 1.5),
                            option("c", 3),
                            option("d", 4.5),
                            option("e", 6),
                            option("f", 7.5, rec=False),
                        ],
                    },
                    {
                        "key": "q_budget",
                        "type": "number",
                        "text": t("数字化投入", "Digital spend"),
                        "unit": t("万元", "10k yuan"),
                        "min": 0,
                        "show_if": {"question": "q_plan", "in": ["d", "e", "f"]},
                    },
                    {
                        "key": "q_cmmm",
                        "type": "number",
                        "text": t("智能制造能力成熟度等级", "CMMM level"),
                        "min": 1,
                        "max": 5,
                        "required": False,
                    },
                    {
                        "key": "q_above_size",
                        "type": "boolean",
                        "text": t("是否规上企业？", "Above designated size?"),
                    },
                    {
                        "key": "q_industry",
                        "type": "single",
                        "text": t("行业类型", "Industry type"),
                        "options": [
                            option("discrete", 0, rec=False),
                            option("process", 0, rec=False),
                        ],
                    },
                    {
                        "key": "q_notes",
                        "type": "text",
                        "text": t("其他说明", "Notes"),
                        "required": False,
                    },
                ],
            },
            {
                "key": "scenes",
                "name": t("数字化经营", "Business scenes"),
                "questions": [
                    scene("s_design", ["scene", "mandatory"]),
                    scene("s_planning", ["scene", "ai"]),
                    scene(
                        "s_quality",
                        ["scene", "mandatory", "ai"],
                        scores=[0, 1, 2, 3, 4],
                        recommendations={0: t("开始质量数字化", "Start digital quality")},
                    ),
                    scene(
                        "s_energy",
                        ["scene"],
                        show_if={"question": "q_it_coverage", "in": ["multiple", "most", "all"]},
                    ),
                ],
            },
        ],
    }


def minimal_doc() -> dict[str, Any]:
    """The smallest valid document: one level, one dimension, one question."""
    return {
        "format": 1,
        "code": "minimal",
        "version": "1",
        "title": t("最小框架"),
        "levels": [
            {
                "code": "L1",
                "name": t("一级"),
                "confirmation": "self",
                "gates": [{"type": "total_at_least", "value": 1}],
            }
        ],
        "dimensions": [
            {
                "key": "d",
                "name": t("维度"),
                "questions": [
                    {
                        "key": "q",
                        "type": "single",
                        "text": t("问题"),
                        "options": [option("no", 0), option("yes", 1, rec=False)],
                    }
                ],
            }
        ],
    }


def answers_full_marks() -> dict[str, Any]:
    """Answers scoring the maximum on ``sample_doc()`` and reaching every level."""
    return {
        "q_network": ["ics", "sys", "g5", "full"],
        "q_digital_rate": 75,
        "q_has_5g": True,
        "q_it_coverage": "all",
        "q_5g_uses": ["agv", "video"],
        "q_plan": "f",
        "q_budget": 120.5,
        "q_cmmm": 3,
        "q_above_size": True,
        "q_industry": "process",
        "q_notes": "ok",
        "s_design": 4,
        "s_planning": 4,
        "s_quality": 4,
        "s_energy": 4,
    }


def chain_doc() -> dict[str, Any]:
    """A show_if chain: q_b shows when q_a is true, q_c when q_b is at least 2."""
    doc = minimal_doc()
    doc["dimensions"][0]["questions"] = [
        {
            "key": "q_a",
            "type": "boolean",
            "text": t("甲"),
            "score_true": 1,
            "recommendation": t("做甲"),
        },
        {
            "key": "q_b",
            "type": "scene_level",
            "text": t("乙"),
            "descriptors": {level: t(f"乙{level}") for level in range(1, 5)},
            "scores": [0, 1, 2, 3, 4],
            "show_if": {"question": "q_a", "equals": True},
        },
        {
            "key": "q_c",
            "type": "number",
            "text": t("丙"),
            "bands": [
                {"upto": 5, "score": 0, "recommendation": t("多")},
                {"upto": None, "score": 3},
            ],
            "show_if": {"question": "q_b", "at_least": 2},
        },
        {"key": "q_d", "type": "text", "text": t("丁")},
    ]
    return doc


def find_question(doc: dict[str, Any], key: str) -> dict[str, Any]:
    """The question node ``key`` of a document (KeyError when absent)."""
    for dimension in doc["dimensions"]:
        groups = [dimension, *dimension.get("areas", [])]
        for group in groups:
            for question in group.get("questions", []):
                if question["key"] == key:
                    return question
    raise KeyError(key)


def find_gate(doc: dict[str, Any], level: int, *path: int) -> dict[str, Any]:
    """The gate at ``levels[level].gates[path[0]].gates[path[1]]...``."""
    gate = doc["levels"][level]["gates"][path[0]]
    for index in path[1:]:
        gate = gate["gates"][index]
    return gate
