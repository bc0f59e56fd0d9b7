"""The parsed, immutable form of a framework version.

Built only by :func:`assessments.scoring.loader.load_definition`, which validates
the document first; every object here may therefore assume a valid framework.
Scores and thresholds are Decimals (``Decimal(str(x))`` of the document's numbers,
so ``0.7`` stays exactly 0.7).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from .bilingual import Text

ZERO = Decimal(0)

QuestionType = Literal["single", "multi", "number", "scene_level", "boolean", "text"]
Confirmation = Literal["self", "review"]


@dataclass(frozen=True, slots=True)
class Option:
    """An option of a single or multi question."""

    value: str
    label: Text
    score: Decimal
    recommendation: Text | None = None
    exclusive: bool = False


@dataclass(frozen=True, slots=True)
class Band:
    """A band of a number question; ``upto`` is an inclusive upper bound, None for the last."""

    upto: Decimal | None
    score: Decimal
    recommendation: Text | None = None


@dataclass(frozen=True, slots=True)
class EvidenceField:
    """A numeric side-input that explains an answer (never scored)."""

    key: str
    label: Text
    unit: Text | None = None


@dataclass(frozen=True, slots=True)
class ShowIf:
    """Visibility condition: the question shows when ``question`` (an earlier one) has
    an answer in ``values`` (``equals``/``in``) or at least ``at_least``."""

    question: str
    values: tuple[str | bool | int, ...] = ()
    at_least: Decimal | None = None

    def matches(self, value: Any) -> bool:
        """True when ``value`` (the referenced question's answer) shows the question.

        An absent answer (None) never shows it; a value of the wrong type never does.
        """
        if value is None:
            return False
        if self.at_least is not None:
            return (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and value >= self.at_least
            )
        return any(type(value) is type(shown) and value == shown for shown in self.values)


@dataclass(frozen=True, slots=True)
class Question:
    """One question. Type-specific fields are empty/None for the other types.

    ``maximum`` is the best achievable score (FORMAT.md). ``dimension`` and ``area``
    are the keys of the groups holding it; ``index`` is its position in document order.
    """

    key: str
    type: QuestionType
    text: Text
    dimension: str
    area: str | None
    index: int
    maximum: Decimal
    required: bool = True
    help: Text | None = None
    evidence_hint: Text | None = None
    tags: tuple[str, ...] = ()
    weight: Decimal = Decimal(1)
    show_if: ShowIf | None = None
    evidence_fields: tuple[EvidenceField, ...] = ()
    # single / multi
    options: tuple[Option, ...] = ()
    cap: Decimal | None = None
    # number
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    unit: Text | None = None
    bands: tuple[Band, ...] = ()
    # scene_level
    descriptors: Mapping[int, Text] = field(default_factory=dict)
    scene_scores: tuple[Decimal, ...] | None = None
    scene_recommendations: Mapping[int, Text] = field(default_factory=dict)
    # boolean
    score_true: Decimal = ZERO
    score_false: Decimal = ZERO
    recommendation: Text | None = None
    # compiled by the loader: value -> score, for a valid, non-empty answer
    scorer: Callable[[Any], Decimal] = field(default=lambda value: ZERO, repr=False, compare=False)

    def option(self, value: Any) -> Option | None:
        """The option with this value, or None (also for non-option questions)."""
        for option in self.options:
            if option.value == value:
                return option
        return None

    def is_answered(self, value: Any) -> bool:
        """True when ``value`` is a real answer: not None, not ``""``/blank text, not ``[]``.

        Values of the wrong type count as unanswered.
        """
        if value is None:
            return False
        kind = self.type
        if kind == "single":
            return isinstance(value, str) and value != ""
        if kind == "multi":
            return isinstance(value, list | tuple) and len(value) > 0
        if kind == "number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        if kind == "scene_level":
            return type(value) is int
        if kind == "boolean":
            return isinstance(value, bool)
        return isinstance(value, str) and value.strip() != ""

    def score_of(self, value: Any) -> Decimal:
        """The score of ``value`` for this question, ignoring visibility.

        Precondition: ``value`` is valid (see ``validate_answers``); an unanswered value
        scores 0.
        """
        return self.scorer(value) if self.is_answered(value) else ZERO

    @property
    def is_classification(self) -> bool:
        """True for a single or boolean question whose answers all score the same: its
        answers are not ordered (FORMAT.md, "Better answers")."""
        if self.type == "single":
            return len({option.score for option in self.options}) == 1
        if self.type == "boolean":
            return self.score_true == self.score_false
        return False

    def scene_recommendation(self, level: int) -> Text | None:
        """What to do from scene level ``level``: the explicit recommendation, else the
        descriptor of the level above (None at level 4 without a recommendation)."""
        return self.scene_recommendations.get(level) or self.descriptors.get(level + 1)


@dataclass(frozen=True, slots=True)
class Area:
    """A group of questions inside a dimension."""

    key: str
    name: Text
    dimension: str
    questions: tuple[Question, ...]
    maximum: Decimal
    index: int
    description: Text | None = None


@dataclass(frozen=True, slots=True)
class Dimension:
    """A top-level group. ``questions`` holds all its questions (those of its areas
    included) in document order; ``areas`` is empty when questions sit directly in it."""

    key: str
    name: Text
    areas: tuple[Area, ...]
    questions: tuple[Question, ...]
    maximum: Decimal
    index: int
    description: Text | None = None


@dataclass(frozen=True, slots=True)
class Gate:
    """A level condition. Which fields are set depends on ``type`` (FORMAT.md, Gates).

    ``counted`` holds the keys of the scene questions a ``scenes_at_least`` gate counts
    (carrying ``tag``) or a ``tagged_share_at_least`` gate divides by (carrying
    ``of_tag``); ``marked`` the keys among them that also carry ``mandatory_tag`` (or
    ``tag`` for a share).
    """

    type: str
    description: Text | None = None
    value: Decimal | None = None
    dimension: str | None = None
    area: str | None = None
    question: str | None = None
    expected: str | bool | None = None
    tag: str | None = None
    of_tag: str | None = None
    level: int | None = None
    count: int | None = None
    mandatory_tag: str | None = None
    mandatory_count: int | None = None
    share: Decimal | None = None
    gates: tuple[Gate, ...] = ()
    counted: tuple[str, ...] = ()
    marked: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Level:
    """A level; reached when its gates and those of every level below it pass."""

    code: str
    name: Text
    confirmation: Confirmation
    gates: tuple[Gate, ...]
    index: int
    description: Text | None = None


@dataclass(frozen=True, slots=True)
class Framework:
    """A validated, precompiled framework version.

    ``questions`` and ``areas`` are read-only mappings in document order; ``levels``
    runs bottom to top; ``doc`` is a copy of the document it was loaded from (for
    export). Pickling re-loads from ``doc``.
    """

    code: str
    version: str
    title: Text
    description: Text | None
    no_level_name: Text
    tag_labels: Mapping[str, Text]
    levels: tuple[Level, ...]
    dimensions: tuple[Dimension, ...]
    questions: Mapping[str, Question]
    areas: Mapping[str, Area]
    max_total: Decimal
    doc: dict[str, Any] = field(repr=False)
    _plan: Any = field(repr=False, compare=False)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        from .loader import load_definition

        return (load_definition, (self.doc,))

    def question_max(self, key: str) -> Decimal:
        """The maximum score of question ``key``; KeyError when there is no such question."""
        return self.questions[key].maximum

    def iter_questions(self) -> Iterator[Question]:
        """Every question in document order."""
        return iter(self.questions.values())

    def dimension(self, key: str) -> Dimension:
        """The dimension ``key``; KeyError when absent."""
        for dimension in self.dimensions:
            if dimension.key == key:
                return dimension
        raise KeyError(key)

    def area(self, key: str) -> Area:
        """The area ``key``; KeyError when absent."""
        return self.areas[key]

    def level(self, code: str) -> Level:
        """The level ``code``; KeyError when absent."""
        for level in self.levels:
            if level.code == code:
                return level
        raise KeyError(code)

    def tag_label(self, tag: str) -> Text:
        """The bilingual label of ``tag`` from ``tag_labels``, else the tag itself."""
        return self.tag_labels.get(tag) or {"zh-hans": tag, "en": tag}
