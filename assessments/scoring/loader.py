"""Turning a validated framework document into an immutable, precompiled Framework."""

from __future__ import annotations

import copy
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .bilingual import Text
from .model import (
    ZERO,
    Area,
    Band,
    Dimension,
    EvidenceField,
    Framework,
    Gate,
    Level,
    Option,
    Question,
    ShowIf,
)
from .schema import DefinitionError, normalise_document, validate_definition

DEFAULT_NO_LEVEL_NAME: Text = {"zh-hans": "无等级", "en": "No level"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One question, compiled for the scoring loop.

    ``score`` maps a valid, non-empty answer to its score; ``answered`` tells a real
    answer from an empty one; ``source`` is the index of the ``show_if`` question
    (-1 when always shown) and ``shows`` tests that question's answer.
    """

    key: str
    index: int
    question: Question
    score: Callable[[Any], Decimal]
    answered: Callable[[Any], bool]
    source: int
    source_key: str
    shows: Callable[[Any], bool]
    dimension: int
    area: int
    maximum: Decimal


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything the scoring loop needs, as flat tuples indexed by position."""

    entries: tuple[Entry, ...]
    dimension_keys: tuple[str, ...]
    area_keys: tuple[str, ...]


def _decimal(value: Any) -> Decimal:
    return Decimal(value) if isinstance(value, int) else Decimal(str(value))


def _optional_decimal(value: Any) -> Decimal | None:
    return None if value is None else _decimal(value)


def _text(value: Any) -> Text | None:
    return dict(value) if isinstance(value, dict) else None


def _always(value: Any) -> bool:
    return True


# ---- per-type scoring functions --------------------------------------------------------


def _single_scorer(options: tuple[Option, ...]) -> Callable[[Any], Decimal]:
    lookup = {option.value: option.score for option in options}
    get = lookup.get

    def score(value: Any) -> Decimal:
        return get(value, ZERO)

    return score


def _multi_scorer(options: tuple[Option, ...], cap: Decimal | None) -> Callable[[Any], Decimal]:
    lookup = {option.value: option.score for option in options}
    get = lookup.get

    def score(value: Any) -> Decimal:
        total = ZERO
        for chosen in value:
            total += get(chosen, ZERO)
        return total if cap is None or total <= cap else cap

    return score


def _number_scorer(bands: tuple[Band, ...]) -> Callable[[Any], Decimal]:
    if not bands:
        return lambda value: ZERO
    # Floats are exact enough here: a value equal to a bound, as typed, compares equal.
    bounds = [float(band.upto) for band in bands[:-1] if band.upto is not None]
    scores = [band.score for band in bands]

    def score(value: Any) -> Decimal:
        return scores[bisect_left(bounds, value)]

    return score


def _scene_scorer(scores: tuple[Decimal, ...] | None) -> Callable[[Any], Decimal]:
    if scores is None:
        return lambda value: ZERO
    return lambda value: scores[value] if 0 <= value <= 4 else ZERO


def _boolean_scorer(score_true: Decimal, score_false: Decimal) -> Callable[[Any], Decimal]:
    return lambda value: score_true if value else score_false


def _answered_function(kind: str) -> Callable[[Any], bool]:
    if kind == "single":
        return lambda value: isinstance(value, str) and value != ""
    if kind == "multi":
        return lambda value: isinstance(value, list | tuple) and len(value) > 0
    if kind == "number":
        return lambda value: isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "scene_level":
        return lambda value: type(value) is int
    if kind == "boolean":
        return lambda value: isinstance(value, bool)
    return lambda value: isinstance(value, str) and value.strip() != ""


def _shows_function(show_if: ShowIf) -> Callable[[Any], bool]:
    if show_if.at_least is not None:
        threshold = float(show_if.at_least)
        return lambda value: (
            isinstance(value, int | float) and not isinstance(value, bool) and value >= threshold
        )
    typed = frozenset((type(value), value) for value in show_if.values)

    def shows(value: Any) -> bool:
        try:
            return (type(value), value) in typed
        except TypeError:  # an unhashable (invalid) answer never shows anything
            return False

    return shows


# ---- building ----------------------------------------------------------------------------


def _build_question(node: dict[str, Any], dimension: str, area: str | None, index: int) -> Question:
    kind = node["type"]
    options = tuple(
        Option(
            value=option["value"],
            label=dict(option["label"]),
            score=_decimal(option["score"]),
            recommendation=_text(option.get("recommendation")),
            exclusive=option.get("exclusive", False),
        )
        for option in node.get("options", ())
    )
    cap = _optional_decimal(node.get("max_score"))
    bands = tuple(
        Band(
            upto=_optional_decimal(band["upto"]),
            score=_decimal(band["score"]),
            recommendation=_text(band.get("recommendation")),
        )
        for band in node.get("bands", ())
    )
    scene_scores = tuple(_decimal(score) for score in node["scores"]) if "scores" in node else None
    score_true = _decimal(node.get("score_true", 0))
    score_false = _decimal(node.get("score_false", 0))
    show_if = None
    if "show_if" in node:
        condition = node["show_if"]
        values: tuple[Any, ...] = ()
        if "equals" in condition:
            values = (condition["equals"],)
        elif "in" in condition:
            values = tuple(condition["in"])
        show_if = ShowIf(
            question=condition["question"],
            values=values,
            at_least=_optional_decimal(condition.get("at_least")),
        )

    if kind == "single":
        maximum = max(option.score for option in options)
        scorer = _single_scorer(options)
    elif kind == "multi":
        maximum = sum((option.score for option in options if not option.exclusive), ZERO)
        if cap is not None:
            maximum = min(maximum, cap)
        scorer = _multi_scorer(options, cap)
    elif kind == "number":
        maximum = bands[-1].score if bands else ZERO
        scorer = _number_scorer(bands)
    elif kind == "scene_level":
        maximum = scene_scores[-1] if scene_scores else ZERO
        scorer = _scene_scorer(scene_scores)
    elif kind == "boolean":
        maximum = max(score_true, score_false)
        scorer = _boolean_scorer(score_true, score_false)
    else:
        maximum = ZERO
        scorer = lambda value: ZERO  # noqa: E731

    return Question(
        key=node["key"],
        type=kind,
        text=dict(node["text"]),
        dimension=dimension,
        area=area,
        index=index,
        maximum=maximum,
        required=node.get("required", True),
        help=_text(node.get("help")),
        evidence_hint=_text(node.get("evidence_hint")),
        tags=tuple(node.get("tags", ())),
        weight=_decimal(node.get("weight", 1)),
        show_if=show_if,
        evidence_fields=tuple(
            EvidenceField(key=item["key"], label=dict(item["label"]), unit=_text(item.get("unit")))
            for item in node.get("evidence_fields", ())
        ),
        options=options,
        cap=cap,
        min_value=_optional_decimal(node.get("min")),
        max_value=_optional_decimal(node.get("max")),
        unit=_text(node.get("unit")),
        bands=bands,
        descriptors=MappingProxyType(
            {int(level): dict(text) for level, text in node.get("descriptors", {}).items()}
        ),
        scene_scores=scene_scores,
        scene_recommendations=MappingProxyType(
            {int(level): dict(text) for level, text in node.get("recommendations", {}).items()}
        ),
        score_true=score_true,
        score_false=score_false,
        recommendation=_text(node.get("recommendation")),
        scorer=scorer,
    )


def _build_gate(node: dict[str, Any], questions: dict[str, Question]) -> Gate:
    kind = node["type"]
    counted: tuple[str, ...] = ()
    marked: frozenset[str] = frozenset()
    if kind in ("scenes_at_least", "tagged_share_at_least"):
        counting_tag = node["tag"] if kind == "scenes_at_least" else node["of_tag"]
        marking_tag = node.get("mandatory_tag") if kind == "scenes_at_least" else node["tag"]
        counted = tuple(key for key, q in questions.items() if counting_tag in q.tags)
        marked = frozenset(key for key in counted if marking_tag in questions[key].tags)
    value = node.get("value")
    threshold = None if kind == "answer_equals" or value is None else _decimal(value)
    return Gate(
        type=kind,
        description=_text(node.get("description")),
        value=threshold,
        dimension=node.get("dimension"),
        area=node.get("area"),
        question=node.get("question"),
        expected=value if kind == "answer_equals" else None,
        tag=node.get("tag"),
        of_tag=node.get("of_tag"),
        level=node.get("level"),
        count=node.get("count"),
        mandatory_tag=node.get("mandatory_tag"),
        mandatory_count=node.get("mandatory_count"),
        share=_optional_decimal(node.get("share")),
        gates=tuple(_build_gate(child, questions) for child in node.get("gates", ())),
        counted=counted,
        marked=marked,
    )


def load_definition(doc: dict[str, Any]) -> Framework:
    """Validate ``doc`` and return the immutable, precompiled Framework it defines.

    Raises DefinitionError (with every problem in ``.errors``) when the document is
    invalid. ``doc`` is not modified; ``Framework.doc`` is a deep copy of it.
    """
    errors = validate_definition(doc)
    if errors:
        raise DefinitionError(errors)
    source = normalise_document(doc)

    questions: dict[str, Question] = {}
    areas: dict[str, Area] = {}
    dimensions: list[Dimension] = []
    entry_groups: list[tuple[int, int]] = []  # per question: (dimension index, area index)
    for dimension_index, dimension_node in enumerate(source["dimensions"]):
        dimension_key = dimension_node["key"]
        dimension_areas: list[Area] = []
        dimension_questions: list[Question] = []
        for area_node in dimension_node.get("areas", ()):
            area_questions = []
            for question_node in area_node["questions"]:
                question = _build_question(
                    question_node, dimension_key, area_node["key"], len(questions)
                )
                questions[question.key] = question
                area_questions.append(question)
                entry_groups.append((dimension_index, len(areas)))
            area = Area(
                key=area_node["key"],
                name=dict(area_node["name"]),
                dimension=dimension_key,
                questions=tuple(area_questions),
                maximum=sum((q.maximum for q in area_questions), ZERO),
                index=len(areas),
                description=_text(area_node.get("description")),
            )
            areas[area.key] = area
            dimension_areas.append(area)
            dimension_questions.extend(area_questions)
        for question_node in dimension_node.get("questions", ()):
            question = _build_question(question_node, dimension_key, None, len(questions))
            questions[question.key] = question
            dimension_questions.append(question)
            entry_groups.append((dimension_index, -1))
        dimensions.append(
            Dimension(
                key=dimension_key,
                name=dict(dimension_node["name"]),
                areas=tuple(dimension_areas),
                questions=tuple(dimension_questions),
                maximum=sum((q.maximum for q in dimension_questions), ZERO),
                index=dimension_index,
                description=_text(dimension_node.get("description")),
            )
        )

    levels = tuple(
        Level(
            code=level["code"],
            name=dict(level["name"]),
            confirmation=level["confirmation"],
            gates=tuple(_build_gate(gate, questions) for gate in level["gates"]),
            index=index,
            description=_text(level.get("description")),
        )
        for index, level in enumerate(source["levels"])
    )

    positions = {key: index for index, key in enumerate(questions)}
    entries = []
    for (dimension_index, area_index), question in zip(
        entry_groups, questions.values(), strict=True
    ):
        show_if = question.show_if
        entries.append(
            Entry(
                key=question.key,
                index=question.index,
                question=question,
                score=question.scorer,
                answered=_answered_function(question.type),
                source=positions[show_if.question] if show_if else -1,
                source_key=show_if.question if show_if else "",
                shows=_shows_function(show_if) if show_if else _always,
                dimension=dimension_index,
                area=area_index,
                maximum=question.maximum,
            )
        )
    plan = Plan(
        entries=tuple(entries),
        dimension_keys=tuple(dimension.key for dimension in dimensions),
        area_keys=tuple(areas),
    )
    return Framework(
        code=source["code"],
        version=source["version"],
        title=dict(source["title"]),
        description=_text(source.get("description")),
        no_level_name=_text(source.get("no_level_name")) or dict(DEFAULT_NO_LEVEL_NAME),
        tag_labels=MappingProxyType(
            {tag: dict(label) for tag, label in source.get("tag_labels", {}).items()}
        ),
        levels=levels,
        dimensions=tuple(dimensions),
        questions=MappingProxyType(questions),
        areas=MappingProxyType(areas),
        max_total=sum((dimension.maximum for dimension in dimensions), ZERO),
        doc=copy.deepcopy(doc),
        _plan=plan,
    )
