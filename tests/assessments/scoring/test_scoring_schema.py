"""Framework document validation: every problem, named by its path, all at once."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from assessments.scoring import DefinitionError, load_definition, validate_definition
from tests.assessments.scoring.samples import (
    find_gate,
    find_question,
    minimal_doc,
    option,
    sample_doc,
    t,
)

Mutation = Callable[[dict[str, Any]], None]

EQUIPMENT = "dimensions[0].areas[0]"
SYSTEMS = "dimensions[0].areas[1]"
MANAGEMENT = "dimensions[1]"
SCENES = "dimensions[2]"


def _set(target: Callable[[dict[str, Any]], dict[str, Any]], **fields: Any) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        target(doc).update(fields)

    return mutate


def _delete(target: Callable[[dict[str, Any]], dict[str, Any]], field: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        del target(doc)[field]

    return mutate


def q(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda doc: find_question(doc, key)


def opt(key: str, index: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda doc: find_question(doc, key)["options"][index]


def band(index: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda doc: find_question(doc, "q_digital_rate")["bands"][index]


def gate(level: int, *path: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda doc: find_gate(doc, level, *path)


def _add_empty_dimension(doc: dict[str, Any]) -> None:
    doc["dimensions"].append(
        {
            "key": "empty",
            "name": t("空"),
            "questions": [{"key": "q_free", "type": "text", "text": t("自由")}],
        }
    )
    find_gate(doc, 1, 1)["dimension"] = "empty"


def _add_areas_to_scenes(doc: dict[str, Any]) -> None:
    doc["dimensions"][2]["areas"] = [
        {
            "key": "extra",
            "name": t("额外"),
            "questions": [{"key": "q_x", "type": "text", "text": t("x")}],
        }
    ]


def test_the_sample_and_the_minimal_documents_are_valid() -> None:
    assert validate_definition(sample_doc()) == []
    assert validate_definition(minimal_doc()) == []


def test_a_document_that_is_not_a_mapping_gives_one_message() -> None:
    assert validate_definition(["not", "a", "framework"]) == [  # type: ignore[arg-type]
        "(document): must be a mapping, not a list"
    ]


def test_validation_does_not_modify_the_document() -> None:
    doc = sample_doc()
    before = copy.deepcopy(doc)
    validate_definition(doc)
    load_definition(doc)
    assert doc == before


def test_scene_descriptors_may_use_integer_or_string_keys() -> None:
    yaml_style, json_style = sample_doc(), sample_doc()
    descriptors = find_question(json_style, "s_design")["descriptors"]
    find_question(json_style, "s_design")["descriptors"] = {
        str(level): text for level, text in descriptors.items()
    }
    assert validate_definition(yaml_style) == []
    assert validate_definition(json_style) == []


STRUCTURAL_CASES: list[tuple[str, Mutation, str]] = [
    ("missing code", lambda doc: doc.pop("code"), "code: required"),
    (
        "version as a float",
        _set(lambda doc: doc, version=2024.1),
        "version: must be a string, not 2024.1",
    ),
    ("unknown format", _set(lambda doc: doc, format=2), "format: must be 1"),
    ("no levels", _set(lambda doc: doc, levels=[]), "levels: must not be empty"),
    (
        "misspelt field",
        _set(q("q_plan"), requried=True),
        f"{MANAGEMENT}.questions[0].requried: unknown field",
    ),
    (
        "unknown question type",
        _set(q("q_plan"), type="radio"),
        f"{MANAGEMENT}.questions[0].type: must be one of single, multi, number, scene_level, "
        f'boolean, text, not "radio"',
    ),
    (
        "bad key",
        _set(q("q_plan"), key="Q-Plan"),
        f'{MANAGEMENT}.questions[0].key: "Q-Plan" may contain only lowercase letters, digits and _',
    ),
    (
        "bad confirmation",
        _set(lambda doc: doc["levels"][0], confirmation="auto"),
        'levels[0].confirmation: must be one of self, review, not "auto"',
    ),
    ("title without Chinese", _set(lambda doc: doc, title={"en": "x"}), "title.zh-hans: required"),
    ("gate without value", _delete(gate(0, 0), "value"), "levels[0].gates[0].value: required"),
    (
        "negative option score",
        _set(opt("q_plan", 0), score=-1),
        f"{MANAGEMENT}.questions[0].options[0].score: must be at least 0",
    ),
    (
        "scene scores of the wrong length",
        _set(q("s_quality"), scores=[0, 1]),
        f"{SCENES}.questions[2].scores: must have exactly 5 items",
    ),
    (
        "single without options",
        _delete(q("q_plan"), "options"),
        f"{MANAGEMENT}.questions[0].options: required",
    ),
    (
        "number with options",
        _set(q("q_budget"), options=[option("a", 0)]),
        f"{MANAGEMENT}.questions[1].options: unknown field",
    ),
    (
        "missing scene descriptor",
        lambda doc: find_question(doc, "s_design")["descriptors"].pop(3),
        f"{SCENES}.questions[0].descriptors.3: required",
    ),
]


SEMANTIC_CASES: list[tuple[str, Mutation, str]] = [
    (
        "duplicate question key",
        _set(q("q_plan"), key="q_network"),
        f'{MANAGEMENT}.questions[0].key: duplicate key "q_network" '
        f"(already used at {EQUIPMENT}.questions[0])",
    ),
    (
        "area key reused by a dimension",
        _set(lambda doc: doc["dimensions"][0]["areas"][1], key="management"),
        f'{MANAGEMENT}.key: duplicate key "management" (already used at {SYSTEMS})',
    ),
    (
        "duplicate option value",
        _set(opt("q_it_coverage", 2), value="one"),
        f'{SYSTEMS}.questions[0].options: duplicate value "one"',
    ),
    (
        "single option below the best without recommendation",
        _delete(opt("q_it_coverage", 1), "recommendation"),
        f"{SYSTEMS}.questions[0].options[1].recommendation: required: this option scores "
        f"below the best option",
    ),
    (
        "scoring multi option without recommendation",
        _delete(opt("q_network", 1), "recommendation"),
        f"{EQUIPMENT}.questions[0].options[1].recommendation: required: this option scores "
        f"(it is recommended when not chosen)",
    ),
    (
        "exclusive option that scores",
        _set(opt("q_network", 0), score=1, recommendation=t("x")),
        f"{EQUIPMENT}.questions[0].options[0].score: an exclusive option (such as 无 none) "
        f"must score 0",
    ),
    (
        "exclusive on a single question",
        _set(opt("q_it_coverage", 0), exclusive=True),
        f"{SYSTEMS}.questions[0].options[0].exclusive: applies only to multi questions",
    ),
    (
        "bands out of order",
        _set(band(2), upto=15),
        f"{EQUIPMENT}.questions[1].bands[2].upto: must be greater than the previous band's "
        f"upto (20)",
    ),
    (
        "band scores decreasing",
        _set(band(3), score=2),
        f"{EQUIPMENT}.questions[1].bands[3].score: must not be lower than the previous band's "
        f"score (3)",
    ),
    (
        "last band bounded",
        _set(band(4), upto=100),
        f"{EQUIPMENT}.questions[1].bands[4].upto: the last band must have upto: null",
    ),
    (
        "open band in the middle",
        _set(band(1), upto=None),
        f"{EQUIPMENT}.questions[1].bands[1].upto: only the last band may have upto: null",
    ),
    (
        "band below the best without recommendation",
        _delete(band(0), "recommendation"),
        f"{EQUIPMENT}.questions[1].bands[0].recommendation: required: this band scores below "
        f"the last band",
    ),
    (
        "min above max",
        _set(q("q_digital_rate"), min=200),
        f"{EQUIPMENT}.questions[1].max: must not be below min (200)",
    ),
    (
        "scene scores decreasing",
        _set(q("s_quality"), scores=[0, 2, 1, 3, 4]),
        f"{SCENES}.questions[2].scores[2]: must not be lower than the score of level 1 (2)",
    ),
    (
        "boolean with differing scores and no recommendation",
        _delete(q("q_has_5g"), "recommendation"),
        f"{EQUIPMENT}.questions[2].recommendation: required: score_true and score_false differ",
    ),
    (
        "duplicate evidence field",
        lambda doc: find_question(doc, "q_digital_rate")["evidence_fields"][1].update(
            key="devices_total"
        ),
        f'{EQUIPMENT}.questions[1].evidence_fields[1].key: duplicate key "devices_total"',
    ),
    (
        "dimension with areas and questions",
        _add_areas_to_scenes,
        f"{SCENES}: has both areas and questions; use one of them",
    ),
    (
        "dimension with neither areas nor questions",
        _delete(lambda doc: doc["dimensions"][2], "questions"),
        f"{SCENES}: needs areas or questions",
    ),
    (
        "show_if to an unknown question",
        _set(q("q_5g_uses"), show_if={"question": "q_nope", "equals": True}),
        f'{SYSTEMS}.questions[1].show_if.question: unknown question "q_nope"',
    ),
    (
        "show_if to a later question",
        _set(q("q_5g_uses"), show_if={"question": "q_plan", "equals": "f"}),
        f"{SYSTEMS}.questions[1].show_if.question: must refer to an earlier question; "
        f'"q_plan" comes later',
    ),
    (
        "show_if to itself",
        _set(q("q_5g_uses"), show_if={"question": "q_5g_uses", "equals": "agv"}),
        f"{SYSTEMS}.questions[1].show_if.question: must refer to an earlier question; "
        f'"q_5g_uses" is this question itself',
    ),
    (
        "show_if with two tests",
        _set(q("q_budget"), show_if={"question": "q_plan", "equals": "f", "in": ["f"]}),
        f"{MANAGEMENT}.questions[1].show_if: give exactly one of equals, in or at_least",
    ),
    (
        "show_if to a multi question",
        _set(q("q_budget"), show_if={"question": "q_network", "equals": "ics"}),
        f'{MANAGEMENT}.questions[1].show_if.question: "q_network" is a multi question; '
        f"show_if may refer only to single, number, scene_level or boolean questions",
    ),
    (
        "show_if at_least on a single question",
        _set(q("q_budget"), show_if={"question": "q_plan", "at_least": 3}),
        f"{MANAGEMENT}.questions[1].show_if.at_least: applies only to number and scene_level "
        f"questions",
    ),
    (
        "show_if equals on a number question",
        _set(q("s_energy"), show_if={"question": "q_digital_rate", "equals": 50}),
        f"{SCENES}.questions[3].show_if.equals: a number question can be tested only with at_least",
    ),
    (
        "show_if on an option not offered",
        _set(q("q_budget"), show_if={"question": "q_plan", "in": ["d", "e", "zz", "f"]}),
        f'{MANAGEMENT}.questions[1].show_if.in[2]: "zz" is not an option of "q_plan"',
    ),
    (
        "show_if not upward-closed on a single question",
        _set(q("q_budget"), show_if={"question": "q_plan", "in": ["d", "e"]}),
        f'{MANAGEMENT}.questions[1].show_if: not upward-closed: option "f" of "q_plan" scores '
        f'at least as much as "d" but does not show this question',
    ),
    (
        "show_if on the worse answer of a scored boolean",
        _set(q("q_5g_uses"), show_if={"question": "q_has_5g", "equals": False}),
        f'{SYSTEMS}.questions[1].show_if: not upward-closed: "q_has_5g" scores more when '
        f"true, which does not show this question",
    ),
    (
        "show_if not upward-closed on a scene",
        _set(q("s_energy"), show_if={"question": "s_design", "in": [2, 3]}),
        f'{SCENES}.questions[3].show_if: not upward-closed: level 4 of "s_design" does not '
        f"show this question although level 2 does",
    ),
    (
        "show_if at a scene level above 4",
        _set(q("s_energy"), show_if={"question": "s_design", "at_least": 5}),
        f"{SCENES}.questions[3].show_if.at_least: can never be met: scene levels go up to 4",
    ),
    (
        "duplicate level code",
        _set(lambda doc: doc["levels"][1], code="L1"),
        'levels[1].code: duplicate code "L1" (already used at levels[0])',
    ),
    (
        "gate on an unknown dimension",
        _set(gate(1, 0), dimension="nope"),
        'levels[1].gates[0].dimension: unknown dimension "nope"',
    ),
    (
        "gate naming an area as a dimension",
        _set(gate(1, 0), dimension="systems"),
        'levels[1].gates[0].dimension: "systems" is an area, not a dimension',
    ),
    (
        "gate on an unknown area",
        _set(gate(1, 2), area="nope"),
        'levels[1].gates[2].area: unknown area "nope"',
    ),
    (
        "gate on an unknown question",
        _set(gate(1, 3), question="nope"),
        'levels[1].gates[3].question: unknown question "nope"',
    ),
    (
        "answer_at_least on a single question",
        _set(gate(1, 3), question="q_plan"),
        'levels[1].gates[3].question: "q_plan" is a single question; answer_at_least needs a '
        "number or scene_level question",
    ),
    (
        "answer_at_least above scene level 4",
        _set(gate(2, 1, 0), value=5),
        "levels[2].gates[1].gates[0].value: can never be reached: scene levels go up to 4",
    ),
    (
        "answer_at_least above the number's max",
        _set(gate(1, 3), value=6),
        'levels[1].gates[3].value: can never be reached: "q_cmmm" allows at most 5',
    ),
    (
        "answer_equals on an option not offered",
        _set(gate(1, 4), value="zz"),
        'levels[1].gates[4].value: "zz" is not an option of "q_it_coverage"',
    ),
    (
        "answer_equals on the worse answer of a scored boolean",
        _set(gate(0, 2), question="q_has_5g", value=False),
        'levels[0].gates[2].value: false scores less than true on "q_has_5g"; a gate must name '
        "the better answer",
    ),
    (
        "answer_equals on a number question",
        _set(gate(1, 4), question="q_cmmm", value="3"),
        'levels[1].gates[4].question: "q_cmmm" is a number question; answer_equals needs a '
        "single or boolean question",
    ),
    (
        "scenes gate on a tag nobody carries",
        _set(gate(0, 1), tag="nope"),
        'levels[0].gates[1].tag: no question carries the tag "nope"',
    ),
    (
        "scenes gate on a tag carried by a non-scene question",
        _set(q("q_plan"), tags=["scene"]),
        'levels[0].gates[1].tag: "scene" is carried by the single question "q_plan"; only '
        "scene_level questions can be counted",
    ),
    (
        "scenes gate count out of reach",
        _set(gate(0, 1), count=9),
        'levels[0].gates[1].count: 9 can never be reached: only 4 questions carry the tag "scene"',
    ),
    (
        "mandatory tag without a count",
        _delete(gate(0, 1), "mandatory_count"),
        "levels[0].gates[1]: give mandatory_tag and mandatory_count together",
    ),
    (
        "mandatory count above the count",
        _set(gate(0, 1), mandatory_count=3),
        "levels[0].gates[1].mandatory_count: must not exceed count (2)",
    ),
    (
        "mandatory count out of reach",
        _set(gate(0, 1), count=4, mandatory_count=3),
        "levels[0].gates[1].mandatory_count: 3 can never be reached: only 2 questions carry both "
        '"scene" and "mandatory"',
    ),
    (
        "share gate over a tag nobody carries",
        _set(gate(2, 0), of_tag="nope"),
        'levels[2].gates[0].of_tag: no question carries the tag "nope"',
    ),
    (
        "share gate whose tag no counted question carries",
        _set(gate(2, 0), tag="ghost"),
        'levels[2].gates[0].tag: no question carries both "scene" and "ghost"',
    ),
    (
        "total out of reach",
        _set(gate(0, 0), value=40),
        "levels[0].gates[0].value: 40 can never be reached: the maximum total is 37.5",
    ),
    (
        "dimension score out of reach",
        _set(gate(1, 0), value=30),
        "levels[1].gates[0].value: 30 can never be reached: the dimension's maximum is 26",
    ),
    (
        "area score out of reach",
        _set(gate(1, 2), value=13),
        "levels[1].gates[2].value: 13 can never be reached: the area's maximum is 12",
    ),
    (
        "percentage of a dimension without points",
        _add_empty_dimension,
        'levels[1].gates[1].dimension: "empty" has no points to take a percentage of',
    ),
    (
        "nested gate on an unknown question",
        _set(gate(2, 1, 1, 0), question="nope"),
        'levels[2].gates[1].gates[1].gates[0].question: unknown question "nope"',
    ),
    (
        "label of a tag nobody carries",
        lambda doc: doc["tag_labels"].update(ghost=t("鬼")),
        "tag_labels.ghost: no question carries this tag",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [pytest.param(mutate, expected, id=name) for name, mutate, expected in STRUCTURAL_CASES],
)
def test_each_structural_problem_is_reported_with_its_path(mutate: Mutation, expected: str) -> None:
    doc = sample_doc()
    mutate(doc)
    assert expected in validate_definition(doc)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [pytest.param(mutate, expected, id=name) for name, mutate, expected in SEMANTIC_CASES],
)
def test_each_semantic_problem_is_reported_with_its_path(mutate: Mutation, expected: str) -> None:
    doc = sample_doc()
    mutate(doc)
    assert expected in validate_definition(doc)


def test_an_invalid_document_lists_all_its_problems_at_once() -> None:
    doc = sample_doc()
    chosen = [STRUCTURAL_CASES[1], STRUCTURAL_CASES[4], *SEMANTIC_CASES[2:8], SEMANTIC_CASES[-3]]
    for _, mutate, _ in chosen:
        mutate(doc)
    errors = validate_definition(doc)
    for _, _, expected in chosen:
        assert expected in errors
    with pytest.raises(DefinitionError) as raised:
        load_definition(doc)
    assert raised.value.errors == errors


def test_upward_closed_conditions_on_unordered_answers_are_allowed() -> None:
    doc = sample_doc()
    find_question(doc, "q_notes")["show_if"] = {"question": "q_above_size", "equals": False}
    find_question(doc, "s_design")["show_if"] = {"question": "q_industry", "equals": "discrete"}
    find_question(doc, "s_planning")["show_if"] = {"question": "q_cmmm", "at_least": 3}
    find_question(doc, "s_energy")["show_if"] = {"question": "s_design", "in": [3, 4]}
    assert validate_definition(doc) == []


def test_a_classification_boolean_may_be_required_either_way_by_a_gate() -> None:
    doc = sample_doc()
    find_gate(doc, 0, 2)["value"] = False
    assert validate_definition(doc) == []


def test_definition_error_carries_every_message() -> None:
    doc = minimal_doc()
    doc["code"] = "Bad Code"
    doc["levels"][0]["gates"][0]["value"] = 5
    with pytest.raises(DefinitionError) as raised:
        load_definition(doc)
    assert raised.value.errors == [
        'code: "Bad Code" may contain only lowercase letters, digits and -',
        "levels[0].gates[0].value: 5 can never be reached: the maximum total is 1",
    ]
    assert "code" in str(raised.value)
