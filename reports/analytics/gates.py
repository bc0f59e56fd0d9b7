"""What a level's gate requires, as a sentence without any one enterprise's value.

Stored results describe each gate with the enterprise's own figure ("total at least
60 (now 42)"). Analytics count enterprises per gate and name the gate once, so the
sentence is generated from the framework version alone: the engine evaluates the gate
against empty facts and the closing bracket with the current value is cut off. A gate
with its own description in the framework document keeps that description; all_of and
any_of list their parts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from assessments import scoring
from assessments.presenters import lang
from assessments.scoring.gates import Facts, evaluate_gate

_BRACKETS = {"）": "（", ")": "("}


def _without_current_value(sentence: str) -> str:
    """Cut a trailing bracketed group ("（当前 3 分）", " (now 3)"), nesting respected."""
    sentence = sentence.rstrip()
    if not sentence or sentence[-1] not in _BRACKETS:
        return sentence
    close = sentence[-1]
    opening, depth = _BRACKETS[close], 0
    for index in range(len(sentence) - 1, -1, -1):
        char = sentence[index]
        if char == close:
            depth += 1
        elif char == opening:
            depth -= 1
            if depth == 0:
                return sentence[:index].rstrip()
    return sentence


def _empty_facts(framework: scoring.Framework) -> Facts:
    zero = Decimal(0)
    return Facts(
        framework=framework,
        total=zero,
        dimension_scores={d.key: zero for d in framework.dimensions},
        area_scores={key: zero for key in framework.areas},
        answers={},
    )


def _label(gate: scoring.Gate, framework: scoring.Framework, language: str) -> str:
    if gate.description is not None:
        return scoring.text(gate.description, language)
    if gate.type in ("all_of", "any_of"):
        parts = "；".join(_label(child, framework, language) for child in gate.gates)
        if gate.type == "all_of":
            return _("All of: %(parts)s") % {"parts": parts}
        return _("Any of: %(parts)s") % {"parts": parts}
    evaluated = evaluate_gate(gate, _empty_facts(framework))
    return _without_current_value(scoring.text(evaluated.description, language))


def gate_label(framework: scoring.Framework, level_code: str, index: int) -> str:
    """The requirement of gate `index` of level `level_code`, in the active language;
    "" when the version has no such gate."""
    try:
        gate = framework.level(level_code).gates[index]
    except (KeyError, IndexError):
        return ""
    return _label(gate, framework, lang())


def gate_key(version_id: int, level_code: str, index: int) -> str:
    """A gate's name in links and API parameters: ``<version id>.<level code>.<index>``."""
    return f"{version_id}.{level_code}.{index}"


def gate_key_parse(value: str) -> tuple[int, str, int] | None:
    """The parts of a gate key, or None when `value` is not one."""
    version, _sep, rest = value.partition(".")
    level, _sep2, index = rest.rpartition(".")
    if not (version.isdigit() and index.isdigit() and level):
        return None
    return int(version), level, int(index)


def describe(rows: list[dict[str, Any]], frameworks: dict[int, scoring.Framework]) -> None:
    """Add ``label`` to each row holding ``version_id``, ``level_code`` and ``gate_index``."""
    for row in rows:
        framework = frameworks.get(row["version_id"])
        row["label"] = (
            gate_label(framework, row["level_code"], row["gate_index"]) if framework else ""
        ) or _("Condition %(number)d") % {"number": row["gate_index"] + 1}
