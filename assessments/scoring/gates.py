"""Gate evaluation and the bilingual sentences that explain each gate.

Every comparison is inclusive (>=) and uses the exact, unrounded Decimal values;
only the sentences round (to 3 decimals, percentages to 1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .bilingual import Message, Text, format_number, message, text
from .model import ZERO, Framework, Gate, Question
from .result import GateResult

_HUNDRED = Decimal(100)
_TRAILING_PUNCTUATION = "？?。.:：;；!！ "


@dataclass(slots=True)
class Facts:
    """What gates are evaluated against.

    ``answers`` holds only the answers that count: visible questions with a non-empty
    answer. Scores are exact Decimals.
    """

    framework: Framework
    total: Decimal
    dimension_scores: Mapping[str, Decimal]
    area_scores: Mapping[str, Decimal]
    answers: Mapping[str, Any]


def _zh(bilingual: Text) -> str:
    return text(bilingual, "zh-hans")


def _en(bilingual: Text) -> str:
    return text(bilingual, "en")


def _question_name(question: Question) -> Text:
    return {
        language: text(question.text, language).rstrip(_TRAILING_PUNCTUATION)
        for language in ("zh-hans", "en")
    }


def _with_unit(number: str, unit: Text | None, language: str) -> str:
    if not unit:
        return number
    label = text(unit, language)
    return f"{number}{label}" if label in ("%", "‰") else f"{number} {label}"


def _not_answered() -> tuple[str, str]:
    return "尚未作答", "not answered"


# ---- one function per gate type -----------------------------------------------------------


def _total(gate: Gate, facts: Facts) -> GateResult:
    required, actual = gate.value or ZERO, facts.total
    v, a = format_number(required), format_number(actual)
    return GateResult(
        type=gate.type,
        met=actual >= required,
        description=message(
            f"总分达到 {v} 分（当前 {a} 分）", f"Total score at least {v} (now {a})"
        ),
        actual=actual,
        required=required,
    )


def _group_points(gate: Gate, name: Text, actual: Decimal) -> GateResult:
    required = gate.value or ZERO
    v, a = format_number(required), format_number(actual)
    return GateResult(
        type=gate.type,
        met=actual >= required,
        description=message(
            f"「{_zh(name)}」得分达到 {v} 分（当前 {a} 分）",
            f"“{_en(name)}” score at least {v} (now {a})",
        ),
        actual=actual,
        required=required,
    )


def _dimension(gate: Gate, facts: Facts) -> GateResult:
    key = gate.dimension or ""
    return _group_points(gate, facts.framework.dimension(key).name, facts.dimension_scores[key])


def _area(gate: Gate, facts: Facts) -> GateResult:
    key = gate.area or ""
    return _group_points(gate, facts.framework.area(key).name, facts.area_scores[key])


def _dimension_percent(gate: Gate, facts: Facts) -> GateResult:
    dimension = facts.framework.dimension(gate.dimension or "")
    score, required = facts.dimension_scores[dimension.key], gate.value or ZERO
    actual = score * _HUNDRED / dimension.maximum if dimension.maximum else ZERO
    v, a = format_number(required, 1), format_number(actual, 1)
    return GateResult(
        type=gate.type,
        met=score * _HUNDRED >= required * dimension.maximum,
        description=message(
            f"「{_zh(dimension.name)}」得分率达到 {v}%（当前 {a}%）",
            f"“{_en(dimension.name)}” at least {v}% of its maximum score (now {a}%)",
        ),
        actual=actual,
        required=required,
    )


def _answer_at_least(gate: Gate, facts: Facts) -> GateResult:
    question = facts.framework.questions[gate.question or ""]
    name, required = _question_name(question), gate.value or ZERO
    raw = facts.answers.get(question.key)
    v = format_number(required)
    if question.type == "scene_level":
        actual: Any = raw
        met = raw is not None and raw >= required
        now_zh, now_en = (
            (f"当前 {raw} 级", f"now level {raw}") if raw is not None else (_not_answered())
        )
        zh = f"「{_zh(name)}」达到 {v} 级（{now_zh}）"
        en = f"“{_en(name)}” at level {v} or above ({now_en})"
    else:
        actual = None if raw is None else Decimal(str(raw))
        met = actual is not None and actual >= required
        unit = question.unit
        if actual is not None:
            now_zh = f"当前 {_with_unit(format_number(actual), unit, 'zh-hans')}"
            now_en = f"now {_with_unit(format_number(actual), unit, 'en')}"
        else:
            now_zh, now_en = _not_answered()
        zh = f"「{_zh(name)}」达到 {_with_unit(v, unit, 'zh-hans')}（{now_zh}）"
        en = f"“{_en(name)}” at least {_with_unit(v, unit, 'en')} ({now_en})"
    return GateResult(
        type=gate.type, met=met, description=message(zh, en), actual=actual, required=required
    )


def _answer_equals(gate: Gate, facts: Facts) -> GateResult:
    question = facts.framework.questions[gate.question or ""]
    name, expected = _question_name(question), gate.expected
    actual = facts.answers.get(question.key)
    if question.type == "boolean":
        met = actual is not None and actual == expected
        want_zh, want_en = ("是", "yes") if expected else ("否", "no")
        if actual is None:
            now_zh, now_en = _not_answered()
        else:
            now_zh, now_en = ("当前：是", "now yes") if actual else ("当前：否", "now no")
        zh = f"「{_zh(name)}」为「{want_zh}」（{now_zh}）"
        en = f"“{_en(name)}”: {want_en} ({now_en})"
    else:
        wanted = question.option(expected)
        chosen = question.option(actual) if actual is not None else None
        if wanted is None or chosen is None:
            met = False
        elif question.is_classification:
            met = chosen.value == wanted.value
        else:
            met = chosen.score >= wanted.score
        if chosen is None:
            now_zh, now_en = _not_answered()
        else:
            now_zh, now_en = f"当前：「{_zh(chosen.label)}」", f"now “{_en(chosen.label)}”"
        label = wanted.label if wanted else {"zh-hans": str(expected)}
        if question.is_classification:
            zh = f"「{_zh(name)}」为「{_zh(label)}」（{now_zh}）"
            en = f"“{_en(name)}” is “{_en(label)}” ({now_en})"
        else:
            zh = f"「{_zh(name)}」达到「{_zh(label)}」或更优（{now_zh}）"
            en = f"“{_en(name)}”: “{_en(label)}” or better ({now_en})"
    return GateResult(
        type=gate.type, met=met, description=message(zh, en), actual=actual, required=expected
    )


def _reached(keys: tuple[str, ...], answers: Mapping[str, Any], level: int) -> list[str]:
    reached = []
    for key in keys:
        value = answers.get(key)
        if value is not None and value >= level:
            reached.append(key)
    return reached


def _scenes(gate: Gate, facts: Facts) -> GateResult:
    level, count = gate.level or 0, gate.count or 0
    reached = _reached(gate.counted, facts.answers, level)
    actual = len(reached)
    counted_met = actual >= count
    zh = f"达到 {level} 级及以上的场景不少于 {count} 个"
    en = f"At least {count} scenes at level {level} or above"
    if gate.mandatory_tag is None:
        return GateResult(
            type=gate.type,
            met=counted_met,
            description=message(f"{zh}（当前 {actual} 个）", f"{en} (now {actual})"),
            actual=actual,
            required=count,
        )
    label = facts.framework.tag_label(gate.mandatory_tag)
    mandatory_required = gate.mandatory_count or 0
    mandatory_actual = sum(1 for key in reached if key in gate.marked)
    mandatory_met = mandatory_actual >= mandatory_required
    children = (
        GateResult(
            type="scenes_at_least",
            met=counted_met,
            description=message(f"{zh}（当前 {actual} 个）", f"{en} (now {actual})"),
            actual=actual,
            required=count,
        ),
        GateResult(
            type="mandatory_scenes_at_least",
            met=mandatory_met,
            description=message(
                f"达到 {level} 级及以上的{_zh(label)}不少于 {mandatory_required} 个"
                f"（当前 {mandatory_actual} 个）",
                f"At least {mandatory_required} {_en(label)} at level {level} or above "
                f"(now {mandatory_actual})",
            ),
            actual=mandatory_actual,
            required=mandatory_required,
        ),
    )
    return GateResult(
        type=gate.type,
        met=counted_met and mandatory_met,
        description=message(
            f"{zh}，其中{_zh(label)}不少于 {mandatory_required} 个"
            f"（当前 {actual} 个，其中 {mandatory_actual} 个）",
            f"{en}, including at least {mandatory_required} {_en(label)} "
            f"(now {actual}, including {mandatory_actual})",
        ),
        actual=actual,
        required=count,
        children=children,
    )


def _share(gate: Gate, facts: Facts) -> GateResult:
    level, required = gate.level or 0, gate.share or ZERO
    reached = _reached(gate.counted, facts.answers, level)
    denominator = len(reached)
    numerator = sum(1 for key in reached if key in gate.marked)
    actual = Decimal(numerator) / Decimal(denominator) if denominator else ZERO
    of_label = facts.framework.tag_label(gate.of_tag or "")
    label = facts.framework.tag_label(gate.tag or "")
    p, a = format_number(required * _HUNDRED, 1), format_number(actual * _HUNDRED, 1)
    return GateResult(
        type=gate.type,
        # No counted scene at all is a share of 0, not a vacuous success.
        met=Decimal(numerator) >= required * denominator if denominator else required <= 0,
        description=message(
            f"达到 {level} 级及以上的{_zh(of_label)}中，{_zh(label)}占比不低于 {p}%"
            f"（当前 {a}%，{numerator}/{denominator}）",
            f"At least {p}% of {_en(of_label)} at level {level} or above are {_en(label)} "
            f"(now {a}%, {numerator} of {denominator})",
        ),
        actual=actual,
        required=required,
    )


def _all_of(gate: Gate, facts: Facts) -> GateResult:
    children = tuple(evaluate_gate(child, facts) for child in gate.gates)
    met_count, total = sum(1 for child in children if child.met), len(children)
    return GateResult(
        type=gate.type,
        met=met_count == total,
        description=message(
            f"同时满足以下全部条件（已满足 {met_count}/{total} 项）",
            f"All of the following ({met_count} of {total} met)",
        ),
        actual=met_count,
        required=total,
        children=children,
    )


def _any_of(gate: Gate, facts: Facts) -> GateResult:
    children = tuple(evaluate_gate(child, facts) for child in gate.gates)
    met_count, total = sum(1 for child in children if child.met), len(children)
    return GateResult(
        type=gate.type,
        met=met_count >= 1,
        description=message(
            f"满足以下任一条件（已满足 {met_count}/{total} 项）",
            f"Any of the following ({met_count} of {total} met)",
        ),
        actual=met_count,
        required=1,
        children=children,
    )


_EVALUATORS: dict[str, Callable[[Gate, Facts], GateResult]] = {
    "total_at_least": _total,
    "dimension_at_least": _dimension,
    "dimension_percent_at_least": _dimension_percent,
    "area_at_least": _area,
    "answer_at_least": _answer_at_least,
    "answer_equals": _answer_equals,
    "scenes_at_least": _scenes,
    "tagged_share_at_least": _share,
    "all_of": _all_of,
    "any_of": _any_of,
}


def _override(description: Text) -> Message:
    return message(_zh(description), _en(description))


def evaluate_gate(gate: Gate, facts: Facts) -> GateResult:
    """Evaluate one gate (recursively for all_of/any_of) against ``facts``.

    A hidden or unanswered question never meets a gate on its answer. The gate's own
    ``description`` (FORMAT.md) replaces the generated sentence.
    """
    result = _EVALUATORS[gate.type](gate, facts)
    if gate.description is None:
        return result
    return GateResult(
        type=result.type,
        met=result.met,
        description=_override(gate.description),
        actual=result.actual,
        required=result.required,
        children=result.children,
    )
