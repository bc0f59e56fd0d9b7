"""Gates of every type (met, actual, required, sentences) and the level cascade."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from assessments.scoring import Framework, GateResult, load_definition, score
from tests.assessments.scoring.samples import (
    answers_full_marks,
    find_gate,
    find_question,
    minimal_doc,
    option,
    sample_doc,
)


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_definition(sample_doc())


def gate_result(fw: Framework, answers: dict[str, Any], level: int, *path: int) -> GateResult:
    result = score(fw, answers).levels[level].gates[path[0]]
    for index in path[1:]:
        result = result.children[index]
    return result


def sentences(result: GateResult) -> tuple[str, str]:
    return result.description["zh-hans"], result.description["en"]


def test_total_at_least_reads_as_a_sentence_with_the_current_total() -> None:
    doc = minimal_doc()
    find_question(doc, "q")["options"] = [
        option("no", 0),
        option("half", 52.5),
        option("yes", 100, rec=False),
    ]
    find_gate(doc, 0, 0)["value"] = 60
    fw = load_definition(doc)
    result = gate_result(fw, {"q": "half"}, 0, 0)
    assert (result.type, result.met) == ("total_at_least", False)
    assert (result.actual, result.required) == (Decimal("52.5"), Decimal(60))
    assert sentences(result) == (
        "总分达到 60 分（当前 52.5 分）",
        "Total score at least 60 (now 52.5)",
    )
    assert gate_result(fw, {"q": "yes"}, 0, 0).met is True


def test_dimension_at_least(fw: Framework) -> None:
    result = gate_result(fw, {"q_network": ["ics"], "q_it_coverage": "one"}, 1, 0)
    assert (result.met, result.actual, result.required) == (False, Decimal("4.5"), Decimal(15))
    assert sentences(result) == (
        "「数字化基础」得分达到 15 分（当前 4.5 分）",
        "“Digital foundation” score at least 15 (now 4.5)",
    )
    full = gate_result(fw, {"q_digital_rate": 99, "q_it_coverage": "all"}, 1, 0)
    assert full.met is True


@pytest.mark.parametrize(
    ("plan", "met", "percent"), [("c", False, "40"), ("d", True, "60"), ("f", True, "100")]
)
def test_dimension_percent_at_least(fw: Framework, plan: str, met: bool, percent: str) -> None:
    result = gate_result(fw, {"q_plan": plan}, 1, 1)
    assert (result.met, result.actual, result.required) == (met, Decimal(percent), Decimal(50))
    assert sentences(result) == (
        f"「数字化管理」得分率达到 50%（当前 {percent}%）",
        f"“Digital management” at least 50% of its maximum score (now {percent}%)",
    )


def test_area_at_least(fw: Framework) -> None:
    result = gate_result(fw, {"q_it_coverage": "one"}, 1, 2)
    assert (result.met, result.actual, result.required) == (False, Decimal("2.5"), Decimal(5))
    assert sentences(result) == (
        "「信息系统」得分达到 5 分（当前 2.5 分）",
        "“IT systems” score at least 5 (now 2.5)",
    )
    assert gate_result(fw, {"q_it_coverage": "multiple"}, 1, 2).met is True


def test_answer_at_least_on_a_number(fw: Framework) -> None:
    result = gate_result(fw, {"q_cmmm": 1.5}, 1, 3)
    assert (result.met, result.actual, result.required) == (False, Decimal("1.5"), Decimal(2))
    assert sentences(result) == (
        "「智能制造能力成熟度等级」达到 2（当前 1.5）",
        "“CMMM level” at least 2 (now 1.5)",
    )
    assert gate_result(fw, {"q_cmmm": 2}, 1, 3).met is True
    unanswered = gate_result(fw, {}, 1, 3)
    assert (unanswered.met, unanswered.actual) == (False, None)
    assert sentences(unanswered) == (
        "「智能制造能力成熟度等级」达到 2（尚未作答）",
        "“CMMM level” at least 2 (not answered)",
    )


def test_answer_at_least_on_a_number_with_a_unit() -> None:
    doc = sample_doc()
    find_gate(doc, 1, 3).update(question="q_digital_rate", value=50)
    result = gate_result(load_definition(doc), {"q_digital_rate": 40}, 1, 3)
    assert sentences(result) == (
        "「设备数字化率」达到 50%（当前 40%）",
        "“Equipment digitisation rate” at least 50% (now 40%)",
    )


def test_answer_at_least_on_a_scene(fw: Framework) -> None:
    result = gate_result(fw, {"s_quality": 2}, 2, 1, 0)
    assert (result.type, result.met, result.actual, result.required) == (
        "answer_at_least",
        False,
        2,
        Decimal(3),
    )
    assert sentences(result) == (
        "「场景s_quality」达到 3 级（当前 2 级）",
        "“Scene s_quality” at level 3 or above (now level 2)",
    )
    assert gate_result(fw, {"s_quality": 4}, 2, 1, 0).met is True


def test_answer_equals_on_a_scored_single_accepts_equal_or_better_options() -> None:
    doc = sample_doc()
    find_question(doc, "q_it_coverage")["options"][3]["score"] = 5  # "most" ties "multiple"
    fw = load_definition(doc)
    below = gate_result(fw, {"q_it_coverage": "one"}, 1, 4)
    assert (below.met, below.actual, below.required) == (False, "one", "multiple")
    assert sentences(below) == (
        "「信息系统覆盖」达到「选项multiple」或更优（当前：「选项one」）",
        "“IT coverage”: “Option multiple” or better (now “Option one”)",
    )
    for value in ("multiple", "most", "all"):
        assert gate_result(fw, {"q_it_coverage": value}, 1, 4).met is True


def test_answer_equals_on_a_classification_single_needs_that_option(fw: Framework) -> None:
    result = gate_result(fw, {"q_industry": "discrete"}, 2, 1, 1, 0)
    assert (result.met, result.actual, result.required) == (False, "discrete", "process")
    assert sentences(result) == (
        "「行业类型」为「选项process」（当前：「选项discrete」）",
        "“Industry type” is “Option process” (now “Option discrete”)",
    )
    assert gate_result(fw, {"q_industry": "process"}, 2, 1, 1, 0).met is True


@pytest.mark.parametrize(
    ("value", "met", "now_zh", "now_en"),
    [
        (True, True, "当前：是", "now yes"),
        (False, False, "当前：否", "now no"),
        (None, False, "尚未作答", "not answered"),
    ],
)
def test_answer_equals_on_a_boolean(
    fw: Framework, value: bool | None, met: bool, now_zh: str, now_en: str
) -> None:
    result = gate_result(fw, {"q_above_size": value}, 0, 2)
    assert (result.met, result.actual, result.required) == (met, value, True)
    assert sentences(result) == (
        f"「是否规上企业」为「是」（{now_zh}）",
        f"“Above designated size”: yes ({now_en})",
    )


def test_scenes_at_least_counts_scenes_and_mandatory_scenes(fw: Framework) -> None:
    answers = {"s_planning": 3, "s_design": 0, "s_energy": 4}  # s_energy is hidden
    result = gate_result(fw, answers, 0, 1)
    assert (result.met, result.actual, result.required) == (False, 1, 2)
    assert sentences(result) == (
        "达到 1 级及以上的场景不少于 2 个，其中约束性场景不少于 1 个（当前 1 个，其中 0 个）",
        "At least 2 scenes at level 1 or above, including at least 1 mandatory scenes "
        "(now 1, including 0)",
    )
    count, mandatory = result.children
    assert (count.type, count.met, count.actual, count.required) == ("scenes_at_least", False, 1, 2)
    assert (mandatory.type, mandatory.met, mandatory.actual, mandatory.required) == (
        "mandatory_scenes_at_least",
        False,
        0,
        1,
    )
    assert sentences(mandatory) == (
        "达到 1 级及以上的约束性场景不少于 1 个（当前 0 个）",
        "At least 1 mandatory scenes at level 1 or above (now 0)",
    )
    # Showing s_energy makes it count; rating s_design makes a mandatory scene count.
    shown = gate_result(fw, {**answers, "q_it_coverage": "multiple"}, 0, 1)
    assert (shown.actual, shown.children[0].met, shown.met) == (2, True, False)
    both = gate_result(fw, {**answers, "s_design": 1}, 0, 1)
    assert (both.actual, both.children[1].actual, both.met) == (2, 1, True)


def test_scenes_at_least_without_a_mandatory_part_has_no_children() -> None:
    doc = sample_doc()
    gate = find_gate(doc, 0, 1)
    del gate["mandatory_tag"], gate["mandatory_count"]
    result = gate_result(load_definition(doc), {"s_design": 2, "s_planning": 1}, 0, 1)
    assert (result.met, result.actual, result.required, result.children) == (True, 2, 2, ())
    assert sentences(result) == (
        "达到 1 级及以上的场景不少于 2 个（当前 2 个）",
        "At least 2 scenes at level 1 or above (now 2)",
    )


@pytest.mark.parametrize(
    ("answers", "met", "actual", "now"),
    [
        (
            {"s_design": 2, "s_planning": 2, "s_quality": 1},
            True,
            "0.5",
            ("50%，1/2", "50%, 1 of 2"),
        ),
        ({"s_design": 3}, False, "0", ("0%，0/1", "0%, 0 of 1")),
        ({}, False, "0", ("0%，0/0", "0%, 0 of 0")),
        (
            {"s_planning": 4, "s_quality": 2, "s_design": 4},
            True,
            "0.6666666666666666666666666667",
            ("66.7%，2/3", "66.7%, 2 of 3"),
        ),
    ],
)
def test_tagged_share_at_least(
    fw: Framework, answers: dict[str, Any], met: bool, actual: str, now: tuple[str, str]
) -> None:
    result = gate_result(fw, answers, 2, 0)
    assert (result.met, result.actual, result.required) == (met, Decimal(actual), Decimal("0.5"))
    assert sentences(result) == (
        f"达到 2 级及以上的场景中，人工智能场景占比不低于 50%（当前 {now[0]}）",
        f"At least 50% of scenes at level 2 or above are AI scenes (now {now[1]})",
    )


def test_all_of_and_any_of_report_their_children(fw: Framework) -> None:
    answers = {"s_quality": 3, "q_industry": "discrete"}
    result = gate_result(fw, answers, 2, 1)
    assert (result.type, result.met, result.actual, result.required) == ("all_of", False, 1, 2)
    assert sentences(result) == (
        "同时满足以下全部条件（已满足 1/2 项）",
        "All of the following (1 of 2 met)",
    )
    first, alternatives = result.children
    assert first.met is True
    assert (alternatives.type, alternatives.met, alternatives.actual, alternatives.required) == (
        "any_of",
        False,
        0,
        1,
    )
    assert sentences(alternatives) == (
        "满足以下任一条件（已满足 0/2 项）",
        "Any of the following (0 of 2 met)",
    )
    assert [child.type for child in alternatives.children] == ["answer_equals", "total_at_least"]
    passing = gate_result(fw, {**answers, "q_industry": "process"}, 2, 1)
    assert (passing.met, passing.children[1].met, passing.children[1].actual) == (True, True, 1)


def test_a_gate_description_overrides_the_generated_sentence() -> None:
    doc = sample_doc()
    find_gate(doc, 0, 0)["description"] = {"zh-hans": "总分及格", "en": "Pass mark"}
    find_gate(doc, 0, 2)["description"] = {"zh-hans": "规上企业"}
    fw = load_definition(doc)
    total = gate_result(fw, {}, 0, 0)
    assert total.description == {"zh-hans": "总分及格", "en": "Pass mark"}
    assert (total.met, total.actual, total.required) == (False, Decimal(0), Decimal(10))
    assert gate_result(fw, {}, 0, 2).description == {"zh-hans": "规上企业", "en": "规上企业"}


def test_a_hidden_question_meets_no_gate() -> None:
    doc = sample_doc()
    find_gate(doc, 1, 3).update(question="q_budget", value=10)
    fw = load_definition(doc)
    hidden = gate_result(fw, {"q_budget": 50, "q_plan": "a"}, 1, 3)
    assert (hidden.met, hidden.actual) == (False, None)
    assert gate_result(fw, {"q_budget": 50, "q_plan": "d"}, 1, 3).met is True


# ---- the level cascade -----------------------------------------------------------------

LEVEL_TWO_ANSWERS: dict[str, Any] = {
    "q_network": ["ics", "sys", "g5"],
    "q_digital_rate": 75,
    "q_it_coverage": "all",
    "q_plan": "f",
    "q_cmmm": 3,
    "q_above_size": True,
    "s_design": 1,
    "s_planning": 1,
}


def test_levels_are_reached_bottom_up(fw: Framework) -> None:
    result = score(fw, LEVEL_TWO_ANSWERS)
    assert [(level.met, level.reached) for level in result.levels] == [
        (True, True),
        (True, True),
        (False, False),
    ]
    assert result.level is not None and result.level.code == "L2"
    assert result.level.name == {"zh-hans": "二级", "en": "Level 2"}
    assert result.next_level is result.levels[2]


def test_a_failing_lower_level_blocks_every_level_above(fw: Framework) -> None:
    result = score(fw, {**LEVEL_TWO_ANSWERS, "q_above_size": False})
    assert [(level.met, level.reached) for level in result.levels] == [
        (False, False),
        (True, False),
        (False, False),
    ]
    assert result.level is None
    assert result.next_level is not None and result.next_level.code == "L1"


def test_a_met_higher_level_above_a_failing_one_is_not_reached(fw: Framework) -> None:
    answers = {**answers_full_marks(), "q_cmmm": 1}  # only L2's CMMM gate fails
    result = score(fw, answers)
    assert [(level.met, level.reached) for level in result.levels] == [
        (True, True),
        (False, False),
        (True, False),
    ]
    assert result.level is not None and result.level.code == "L1"
    assert result.next_level is not None and result.next_level.code == "L2"
    failing = [gate for gate in result.next_level.gates if not gate.met]
    assert [gate.type for gate in failing] == ["answer_at_least"]


def test_the_top_level_has_no_next_level(fw: Framework) -> None:
    result = score(fw, answers_full_marks())
    assert result.level is not None and result.level.code == "L3"
    assert result.next_level is None
