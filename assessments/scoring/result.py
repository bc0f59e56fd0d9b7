"""What the engine returns: frozen plain data, with Decimal scores.

``Result.to_dict()`` gives the JSON-safe form (Decimals as floats rounded to 3
places, bilingual texts as ``{"zh-hans": ..., "en": ...}`` dicts); the caller picks
the language when rendering.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .bilingual import Message, Text

_THOUSANDTH = Decimal("0.001")


def to_plain(value: Any) -> Any:
    """Convert engine output to JSON-safe data.

    Decimals become floats rounded half-up to 3 places; mappings become dicts, tuples
    and lists become lists; str, int, float, bool and None are kept.
    """
    if isinstance(value, Decimal):
        return float(value.quantize(_THOUSANDTH, rounding=ROUND_HALF_UP))
    if isinstance(value, Mapping):
        return {key: to_plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    return value


@dataclass(frozen=True, slots=True)
class QuestionScore:
    """A question's score. A hidden question scores 0 but keeps its ``max``;
    ``answered`` says whether a non-empty answer was given (visible or not)."""

    score: Decimal
    max: Decimal
    visible: bool
    answered: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "score": to_plain(self.score),
            "max": to_plain(self.max),
            "visible": self.visible,
            "answered": self.answered,
        }


@dataclass(frozen=True, slots=True)
class AreaScore:
    """An area's score: the sum of its visible questions' scores."""

    key: str
    name: Text
    score: Decimal
    max: Decimal

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "key": self.key,
            "name": dict(self.name),
            "score": to_plain(self.score),
            "max": to_plain(self.max),
        }


@dataclass(frozen=True, slots=True)
class DimensionScore:
    """A dimension's score: the sum of its visible questions' scores."""

    key: str
    name: Text
    score: Decimal
    max: Decimal
    areas: tuple[AreaScore, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "key": self.key,
            "name": dict(self.name),
            "score": to_plain(self.score),
            "max": to_plain(self.max),
            "areas": [area.to_dict() for area in self.areas],
        }


@dataclass(frozen=True, slots=True)
class GateResult:
    """One evaluated gate.

    ``description`` is a full bilingual sentence with the current value. ``actual``
    and ``required`` are what was compared: Decimals for scores, percentages and
    shares (a share is a fraction, 0.2 for 20%), ints for scene levels and counts
    (for all_of/any_of: children met and children needed), the option value or bool
    for answer_equals; ``actual`` is None for an unanswered or hidden question.
    ``children`` holds the parts of all_of/any_of and of a scenes gate with a
    mandatory part.
    """

    type: str
    met: bool
    description: Message
    actual: Any
    required: Any
    children: tuple[GateResult, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (``children`` always present, possibly empty)."""
        return {
            "type": self.type,
            "met": self.met,
            "description": dict(self.description),
            "actual": to_plain(self.actual),
            "required": to_plain(self.required),
            "children": [child.to_dict() for child in self.children],
        }


@dataclass(frozen=True, slots=True)
class LevelRef:
    """A level by code and bilingual name."""

    code: str
    name: Text

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {"code": self.code, "name": dict(self.name)}


@dataclass(frozen=True, slots=True)
class LevelEvaluation:
    """A level's gates. ``met``: its own gates all pass; ``reached``: it and every
    level below it are met."""

    code: str
    name: Text
    met: bool
    reached: bool
    gates: tuple[GateResult, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "code": self.code,
            "name": dict(self.name),
            "met": self.met,
            "reached": self.reached,
            "gates": [gate.to_dict() for gate in self.gates],
        }


@dataclass(frozen=True, slots=True)
class Result:
    """The score of one answer set against one framework version.

    ``level`` is the highest reached level (None below the first); ``next_level`` the
    evaluation of the level right above it (the first level when ``level`` is None,
    None at the top). ``questions`` is in document order.
    """

    framework_code: str
    framework_version: str
    engine_version: str
    total: Decimal
    max_total: Decimal
    dimensions: tuple[DimensionScore, ...]
    questions: dict[str, QuestionScore]
    level: LevelRef | None
    levels: tuple[LevelEvaluation, ...]
    next_level: LevelEvaluation | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: Decimals as floats rounded to 3 places, texts as bilingual dicts."""
        return {
            "framework_code": self.framework_code,
            "framework_version": self.framework_version,
            "engine_version": self.engine_version,
            "total": to_plain(self.total),
            "max_total": to_plain(self.max_total),
            "dimensions": [dimension.to_dict() for dimension in self.dimensions],
            "questions": {key: score.to_dict() for key, score in self.questions.items()},
            "level": self.level.to_dict() if self.level else None,
            "levels": [level.to_dict() for level in self.levels],
            "next_level": self.next_level.to_dict() if self.next_level else None,
        }
