"""Hypothesis strategies: valid answer sets for a framework, and single-answer improvements.

"At least as good" follows FORMAT.md ("Better answers"): single and boolean answers
are ordered by score, multi answers by their (capped) score, numbers by value, scene
levels by level; classification questions (all answers score the same) and text
questions are unordered, so only answering them (None -> a value) is an improvement.
"No answer" is below every answer.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from assessments.scoring import Framework, Question


def values(question: Question) -> st.SearchStrategy[Any]:
    """Valid, non-None answer values for ``question`` (multi may give ``[]``)."""
    kind = question.type
    if kind == "single":
        return st.sampled_from([option.value for option in question.options])
    if kind == "multi":
        plain = [option.value for option in question.options if not option.exclusive]
        exclusive = [option.value for option in question.options if option.exclusive]
        choices: list[st.SearchStrategy[Any]] = []
        if plain:
            choices.append(st.lists(st.sampled_from(plain), unique=True))
        if exclusive:
            choices.append(st.sampled_from(exclusive).map(lambda value: [value]))
        return st.one_of(choices)
    if kind == "number":
        low = float(question.min_value) if question.min_value is not None else -1000.0
        high = float(question.max_value) if question.max_value is not None else low + 2000.0
        edges = [
            float(band.upto)
            for band in question.bands
            if band.upto is not None and low <= band.upto <= high
        ]
        numbers: list[st.SearchStrategy[Any]] = [
            st.floats(low, high, allow_nan=False, allow_infinity=False),
            st.sampled_from([low, high, *edges]),
        ]
        if math.ceil(low) <= math.floor(high):
            numbers.append(st.integers(math.ceil(low), math.floor(high)))
        return st.one_of(numbers)
    if kind == "scene_level":
        return st.integers(0, 4)
    if kind == "boolean":
        return st.booleans()
    return st.text(max_size=30)


def answer_sets(fw: Framework) -> st.SearchStrategy[dict[str, Any]]:
    """Valid answer sets: any subset of the questions, each None or a valid value."""
    return st.fixed_dictionaries(
        {},
        optional={question.key: st.none() | values(question) for question in fw.iter_questions()},
    )


def is_ordered(question: Question) -> bool:
    """Whether the answers of ``question`` are ordered (see the module docstring)."""
    return question.type != "text" and not question.is_classification


def rank(question: Question, value: Any) -> Decimal | None:
    """The position of ``value`` in the question's order; None for no answer."""
    if value is None or not question.is_answered(value):
        return None
    kind = question.type
    if kind in ("single", "multi"):
        chosen = [value] if kind == "single" else value
        total = sum((question.option(item).score for item in chosen), Decimal(0))  # type: ignore[union-attr]
        return min(total, question.cap) if question.cap is not None else total
    if kind == "number":
        return Decimal(str(value))
    if kind == "scene_level":
        return Decimal(value)
    if kind == "boolean":
        return question.score_true if value else question.score_false
    return Decimal(0)


@st.composite
def improvements(draw: st.DrawFn, fw: Framework) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """``(key, before, after)``: two valid answer sets differing only in ``key``, where
    the answer in ``after`` is at least as good as the one in ``before``."""
    answers = draw(answer_sets(fw))
    question = draw(st.sampled_from(list(fw.iter_questions())))
    old = answers.get(question.key)
    new = draw(values(question))
    if not is_ordered(question):
        old = None
    else:
        old_rank, new_rank = rank(question, old), rank(question, new)
        if old_rank is not None and (new_rank is None or new_rank < old_rank):
            old, new = new, old
    return question.key, {**answers, question.key: old}, {**answers, question.key: new}
