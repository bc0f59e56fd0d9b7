"""Answer validation, visibility (show_if) and required answers."""

from __future__ import annotations

from typing import Any

import pytest

from assessments.scoring import (
    Framework,
    load_definition,
    missing_required,
    validate_answers,
    visible_questions,
)
from tests.assessments.scoring.samples import answers_full_marks, chain_doc, sample_doc


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_definition(sample_doc())


@pytest.fixture(scope="module")
def chain() -> Framework:
    return load_definition(chain_doc())


def english(problems: dict[str, list[dict[str, str]]], key: str) -> list[str]:
    return [message["en"] for message in problems[key]]


def test_valid_answers_of_every_type_give_no_problems(fw: Framework) -> None:
    assert validate_answers(fw, answers_full_marks()) == {}


def test_missing_and_none_answers_are_not_problems(fw: Framework) -> None:
    assert validate_answers(fw, {}) == {}
    assert validate_answers(fw, dict.fromkeys(fw.questions)) == {}
    assert validate_answers(fw, {"q_plan": "", "q_network": [], "q_notes": ""}) == {}


def test_answers_to_hidden_questions_are_still_valid(fw: Framework) -> None:
    assert validate_answers(fw, {"q_has_5g": False, "q_5g_uses": ["agv"]}) == {}


BAD_VALUES: list[tuple[str, Any, str]] = [
    ("q_plan", 3, "Choose one option."),
    ("q_plan", "zz", "“zz” is not an option of this question."),
    ("q_plan", ["a"], "Choose one option."),
    ("q_network", "ics", "Give the chosen options as a list."),
    ("q_network", ["ics", "zz"], "“zz” is not an option of this question."),
    ("q_network", ["ics", 1], "“1” is not an option of this question."),
    ("q_network", ["ics", "ics"], "Option “ics” is chosen twice."),
    ("q_network", ["none", "ics"], "“Option none” cannot be combined with other options."),
    ("q_digital_rate", "50", "Enter a number."),
    ("q_digital_rate", True, "Enter a number."),
    ("q_digital_rate", float("nan"), "Enter a number."),
    ("q_digital_rate", float("inf"), "Enter a number."),
    ("q_digital_rate", -1, "Must be at least 0."),
    ("q_digital_rate", 100.5, "Must be at most 100."),
    ("s_design", 5, "Choose a whole level from 0 to 4."),
    ("s_design", -1, "Choose a whole level from 0 to 4."),
    ("s_design", 2.0, "Choose a whole level from 0 to 4."),
    ("s_design", True, "Choose a whole level from 0 to 4."),
    ("s_design", "2", "Choose a whole level from 0 to 4."),
    ("q_has_5g", 1, "Answer yes or no."),
    ("q_has_5g", "true", "Answer yes or no."),
    ("q_notes", 12, "Enter text."),
    ("q_notes", "字" * 5001, "At most 5000 characters (now 5001)."),
]


@pytest.mark.parametrize(("key", "value", "expected"), BAD_VALUES)
def test_each_kind_of_bad_value_is_reported(
    fw: Framework, key: str, value: Any, expected: str
) -> None:
    problems = validate_answers(fw, {key: value})
    assert list(problems) == [key]
    assert expected in english(problems, key)
    assert all(message["zh-hans"] for message in problems[key])


def test_boundary_values_are_accepted(fw: Framework) -> None:
    answers = {"q_digital_rate": 0, "s_design": 0, "q_notes": "字" * 5000, "q_cmmm": 5.0}
    assert validate_answers(fw, {**answers, "q_budget": 10**9}) == {}


def test_unknown_keys_are_reported(fw: Framework) -> None:
    problems = validate_answers(fw, {"q_unknown": 1})
    assert problems == {
        "q_unknown": [{"zh-hans": "没有这道题目。", "en": "There is no such question."}]
    }


def test_every_invalid_answer_is_reported_at_once(fw: Framework) -> None:
    answers = {
        "q_plan": "zz",
        "q_network": ["none", "ics", "ics", "zz"],
        "q_digital_rate": 101,
        "s_quality": 7,
        "q_has_5g": "yes",
        "q_unknown": True,
        "q_it_coverage": "all",  # valid
    }
    problems = validate_answers(fw, answers)
    assert set(problems) == {
        "q_plan",
        "q_network",
        "q_digital_rate",
        "s_quality",
        "q_has_5g",
        "q_unknown",
    }
    assert english(problems, "q_network") == [
        "Option “ics” is chosen twice.",
        "“zz” is not an option of this question.",
        "“Option none” cannot be combined with other options.",
    ]
    assert problems["q_network"][2]["zh-hans"] == "「选项none」不能与其他选项同时选择。"


def test_questions_without_show_if_are_always_visible(fw: Framework) -> None:
    visible = visible_questions(fw, {})
    assert "q_plan" in visible
    assert {"q_5g_uses", "q_budget", "s_energy"}.isdisjoint(visible)


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({"q_has_5g": True}, True),
        ({"q_has_5g": False}, False),
        ({"q_has_5g": None}, False),
    ],
)
def test_boolean_show_if(fw: Framework, answers: dict[str, Any], shown: bool) -> None:
    assert ("q_5g_uses" in visible_questions(fw, answers)) is shown


@pytest.mark.parametrize(("plan", "shown"), [("c", False), ("d", True), ("f", True)])
def test_single_show_if_with_in(fw: Framework, plan: str, shown: bool) -> None:
    assert ("q_budget" in visible_questions(fw, {"q_plan": plan})) is shown


def test_a_question_whose_source_is_hidden_is_hidden(chain: Framework) -> None:
    assert visible_questions(chain, {"q_a": True, "q_b": 2}) == {"q_a", "q_b", "q_c", "q_d"}
    assert visible_questions(chain, {"q_a": True, "q_b": 1}) == {"q_a", "q_b", "q_d"}
    # q_b keeps its answer 3, but it is hidden, so q_c is hidden too.
    assert visible_questions(chain, {"q_a": False, "q_b": 3}) == {"q_a", "q_d"}


def test_missing_required_lists_visible_unanswered_required_questions_in_order(
    fw: Framework,
) -> None:
    assert missing_required(fw, {}) == [
        "q_network",
        "q_digital_rate",
        "q_has_5g",
        "q_it_coverage",
        "q_plan",
        "q_above_size",
        "q_industry",
        "s_design",
        "s_planning",
        "s_quality",
    ]


def test_missing_required_counts_empty_values_as_missing(chain: Framework) -> None:
    assert missing_required(chain, {"q_a": True, "q_b": 2, "q_c": 7, "q_d": "  "}) == ["q_d"]
    assert missing_required(chain, {"q_a": True, "q_b": 2, "q_d": ""}) == ["q_c", "q_d"]


def test_missing_required_ignores_hidden_and_optional_questions(fw: Framework) -> None:
    answers = answers_full_marks()
    for key in ("q_cmmm", "q_notes", "q_5g_uses"):
        del answers[key]
    answers["q_has_5g"] = False  # hides q_5g_uses
    assert missing_required(fw, answers) == []
    answers["q_has_5g"] = True
    assert missing_required(fw, answers) == ["q_5g_uses"]
    answers["q_5g_uses"] = []
    assert missing_required(fw, answers) == ["q_5g_uses"]
