"""Scoring examples: every question type, hidden questions, sums and the result shape."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from assessments.scoring import ENGINE_VERSION, Framework, load_definition, score
from assessments.scoring.result import to_plain
from tests.assessments.scoring.samples import answers_full_marks, chain_doc, sample_doc


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_definition(sample_doc())


def points(fw: Framework, key: str, value: Any, **others: Any) -> Decimal:
    return score(fw, {key: value, **others}).questions[key].score


@pytest.mark.parametrize(
    ("value", "expected"),
    [("none", "0"), ("one", "2.5"), ("multiple", "5"), ("most", "7.5"), ("all", "10")],
)
def test_single_scores_the_chosen_option(fw: Framework, value: str, expected: str) -> None:
    assert points(fw, "q_it_coverage", value) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["ics"], "2"),
        (["ics", "g5"], "4"),
        (["ics", "sys", "g5"], "6"),
        (["ics", "sys", "g5", "full"], "6"),  # 8, capped by max_score 6
        (["none"], "0"),
        ([], "0"),
    ],
)
def test_multi_sums_the_chosen_options_up_to_the_cap(
    fw: Framework, value: list[str], expected: str
) -> None:
    assert points(fw, "q_network", value) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (10, "0"),  # upper bounds are inclusive: [0, 10]
        (10.000001, "1.5"),
        (20, "1.5"),
        (20.5, "3"),
        (40, "3"),
        (60, "4.5"),
        (60.01, "6"),
        (100, "6"),
    ],
)
def test_number_falls_into_the_first_band_whose_upper_bound_holds_it(
    fw: Framework, value: float, expected: str
) -> None:
    assert points(fw, "q_digital_rate", value) == Decimal(expected)


def test_number_without_bands_scores_nothing(fw: Framework) -> None:
    assert points(fw, "q_cmmm", 5) == Decimal(0)


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4])
def test_scene_level_scores_by_its_scores_list(fw: Framework, level: int) -> None:
    assert points(fw, "s_quality", level) == Decimal(level)
    assert points(fw, "s_design", level) == Decimal(0)  # a scene without scores


def test_boolean_scores_true_and_false(fw: Framework) -> None:
    assert points(fw, "q_has_5g", True) == Decimal(2)
    assert points(fw, "q_has_5g", False) == Decimal(0)
    assert points(fw, "q_above_size", True) == Decimal(0)


def test_text_is_never_scored(fw: Framework) -> None:
    result = score(fw, {"q_notes": "很多说明"})
    assert result.questions["q_notes"].score == Decimal(0)
    assert result.questions["q_notes"].answered is True


def test_full_marks_reach_every_maximum(fw: Framework) -> None:
    result = score(fw, answers_full_marks())
    assert result.total == result.max_total == Decimal("37.5")
    for dimension in result.dimensions:
        assert dimension.score == dimension.max
        for area in dimension.areas:
            assert area.score == area.max


def test_dimension_and_area_scores_are_sums_of_their_questions(fw: Framework) -> None:
    answers = {
        "q_network": ["ics"],
        "q_digital_rate": 15,
        "q_it_coverage": "one",
        "q_plan": "c",
        "s_quality": 2,
    }
    result = score(fw, answers)
    foundation, management, scenes = result.dimensions
    assert [area.score for area in foundation.areas] == [Decimal("3.5"), Decimal("2.5")]
    assert foundation.score == Decimal(6)
    assert management.score == Decimal(3)
    assert scenes.score == Decimal(2)
    assert result.total == Decimal(11)
    assert (foundation.max, management.max, scenes.max) == (26, Decimal("7.5"), 4)


def test_a_hidden_question_scores_nothing_but_keeps_its_max(fw: Framework) -> None:
    result = score(fw, {"q_has_5g": False, "q_5g_uses": ["agv", "video"]})
    uses = result.questions["q_5g_uses"]
    assert (uses.score, uses.max, uses.visible, uses.answered) == (0, 2, False, True)
    assert result.total == Decimal(0)
    assert result.max_total == Decimal("37.5")
    assert result.dimensions[0].areas[1].max == Decimal(12)
    shown = score(fw, {"q_has_5g": True, "q_5g_uses": ["agv", "video"]})
    assert shown.questions["q_5g_uses"].score == Decimal(2)
    assert shown.total == Decimal(4)


def test_a_question_hidden_through_its_source_scores_nothing() -> None:
    chain = load_definition(chain_doc())
    answers = {"q_a": False, "q_b": 4, "q_c": 10}
    result = score(chain, answers)
    assert [result.questions[key].visible for key in ("q_a", "q_b", "q_c")] == [
        True,
        False,
        False,
    ]
    assert result.total == Decimal(0)
    assert score(chain, {**answers, "q_a": True}).total == Decimal(1 + 4 + 3)


def test_unanswered_questions_are_reported_as_such(fw: Framework) -> None:
    result = score(fw, {"q_plan": None, "q_network": [], "q_notes": ""})
    for key in ("q_plan", "q_network", "q_notes", "q_it_coverage"):
        assert result.questions[key].answered is False
        assert result.questions[key].visible is True


def test_unknown_answer_keys_are_ignored(fw: Framework) -> None:
    assert score(fw, {"q_unknown": 3, "q_plan": "f"}) == score(fw, {"q_plan": "f"})


def test_result_records_what_produced_it(fw: Framework) -> None:
    result = score(fw, {})
    assert (result.framework_code, result.framework_version) == ("sample-framework", "2024.1")
    assert result.engine_version == ENGINE_VERSION
    assert list(result.questions) == list(fw.questions)


def test_no_answers_reach_no_level(fw: Framework) -> None:
    result = score(fw, {})
    assert result.total == Decimal(0)
    assert result.level is None
    assert result.next_level is not None and result.next_level.code == "L1"


def test_to_dict_is_json_safe_with_bilingual_texts(fw: Framework) -> None:
    result = score(fw, answers_full_marks()).to_dict()
    json.dumps(result)  # raises if anything is not JSON-safe
    assert result["total"] == 37.5
    assert result["level"] == {"code": "L3", "name": {"zh-hans": "三级", "en": "Level 3"}}
    assert result["next_level"] is None
    assert result["dimensions"][0]["areas"][0] == {
        "key": "equipment",
        "name": {"zh-hans": "设备系统", "en": "Equipment"},
        "score": 14.0,
        "max": 14.0,
    }
    assert result["questions"]["q_plan"] == {
        "score": 7.5,
        "max": 7.5,
        "visible": True,
        "answered": True,
    }
    gate = result["levels"][0]["gates"][0]
    assert gate == {
        "type": "total_at_least",
        "met": True,
        "description": {
            "zh-hans": "总分达到 10 分（当前 37.5 分）",
            "en": "Total score at least 10 (now 37.5)",
        },
        "actual": 37.5,
        "required": 10.0,
        "children": [],
    }


def test_to_plain_rounds_decimals_half_up_to_three_places() -> None:
    assert to_plain(Decimal(1) / Decimal(3)) == 0.333
    assert to_plain(Decimal("1.8755")) == 1.876
    assert to_plain({"a": (Decimal("2.5"), None, True, "x")}) == {"a": [2.5, None, True, "x"]}
