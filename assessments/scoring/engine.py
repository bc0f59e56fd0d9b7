"""Scoring an answer set against a framework: scores, gates and the level."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .gates import Facts, evaluate_gate
from .model import ZERO, Framework
from .result import (
    AreaScore,
    DimensionScore,
    LevelEvaluation,
    LevelRef,
    QuestionScore,
    Result,
)

ENGINE_VERSION = "1.0.0"
"""Recorded with every stored score; bump it whenever a result could change."""


def score(fw: Framework, answers: Mapping[str, Any]) -> Result:
    """Score ``answers`` (question key -> value) against ``fw``.

    Precondition: the answers passed ``validate_answers`` (unknown keys are ignored).
    Promises: a hidden question scores 0 and its answer counts for no gate, but its
    maximum stays in every maximum; every score lies in [0, its max]; a dimension's
    (area's) score is the sum of its questions' and the total the sum of the
    dimensions'; a level is reached when its gates and those of every level below it
    are met, ``level`` is the highest reached; the result depends on nothing but
    ``fw`` and ``answers`` (no clock, no I/O).
    """
    plan = fw._plan
    entries = plan.entries
    get = answers.get
    visible = [True] * len(entries)
    dimension_scores = [ZERO] * len(plan.dimension_keys)
    area_scores = [ZERO] * len(plan.area_keys)
    counted: dict[str, Any] = {}
    questions: dict[str, QuestionScore] = {}
    for entry in entries:
        key = entry.key
        if entry.source >= 0 and not (visible[entry.source] and entry.shows(get(entry.source_key))):
            visible[entry.index] = False
            value = get(key)
            answered = value is not None and entry.answered(value)
            questions[key] = QuestionScore(ZERO, entry.maximum, False, answered)
            continue
        value = get(key)
        if value is None or not entry.answered(value):
            questions[key] = QuestionScore(ZERO, entry.maximum, True, False)
            continue
        points = entry.score(value)
        counted[key] = value
        dimension_scores[entry.dimension] += points
        if entry.area >= 0:
            area_scores[entry.area] += points
        questions[key] = QuestionScore(points, entry.maximum, True, True)

    total = sum(dimension_scores, ZERO)
    area_by_key = dict(zip(plan.area_keys, area_scores, strict=True))
    dimension_by_key = dict(zip(plan.dimension_keys, dimension_scores, strict=True))
    dimensions = tuple(
        DimensionScore(
            key=dimension.key,
            name=dimension.name,
            score=dimension_by_key[dimension.key],
            max=dimension.maximum,
            areas=tuple(
                AreaScore(area.key, area.name, area_by_key[area.key], area.maximum)
                for area in dimension.areas
            ),
        )
        for dimension in fw.dimensions
    )

    facts = Facts(
        framework=fw,
        total=total,
        dimension_scores=dimension_by_key,
        area_scores=area_by_key,
        answers=counted,
    )
    evaluations: list[LevelEvaluation] = []
    reached_index = -1
    still_reaching = True
    for level in fw.levels:
        gates = tuple(evaluate_gate(gate, facts) for gate in level.gates)
        met = all(gate.met for gate in gates)
        still_reaching = still_reaching and met
        if still_reaching:
            reached_index = level.index
        evaluations.append(LevelEvaluation(level.code, level.name, met, still_reaching, gates))

    reached = fw.levels[reached_index] if reached_index >= 0 else None
    next_index = reached_index + 1
    return Result(
        framework_code=fw.code,
        framework_version=fw.version,
        engine_version=ENGINE_VERSION,
        total=total,
        max_total=fw.max_total,
        dimensions=dimensions,
        questions=questions,
        level=LevelRef(reached.code, reached.name) if reached else None,
        levels=tuple(evaluations),
        next_level=evaluations[next_index] if next_index < len(evaluations) else None,
    )


def percent(score_value: Decimal, maximum: Decimal) -> Decimal:
    """``score_value`` as a percentage of ``maximum`` (0 when the maximum is 0)."""
    return score_value * 100 / maximum if maximum else ZERO
