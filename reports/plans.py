"""Improvement plans: which answers to improve, in what order, and what doing so brings.

Pure, like the scoring engine it builds on: a compiled framework and answers in, a
frozen :class:`Plan` out (no ORM, no request, no clock). The same answers always give
the same plan.

Target level
    The level right above the one reached (the first level when none is), or
    ``required_level`` (the level an anchor firm asks of the enterprise) when that is
    higher. At the top level there is no target and no gate blockers.

Which questions produce items
    A question produces an item when it is visible under the current answers, is not
    a ``text`` question, is not a classification (all answers score the same), and
    either blocks a gate (below) or scores below its maximum. Hidden questions, text
    questions and questions already at their best never produce items. An unscored
    scene produces an item only when a gate needs it.

Gate blockers
    Starting from the current answers, the planner takes the lowest level up to the
    target that has an unmet gate and, within it, the first unmet gate that is not a
    score gate (answers, scene counts, shares) before score gates (total, dimension,
    area); it finds the smallest change that meets that gate, applies it to a
    hypothetical answer set, re-scores with the engine and repeats until every gate up
    to the target is met or no change can meet it (those gates are reported in
    ``Plan.unreachable``). The smallest change is:

    - ``answer_at_least`` / ``answer_equals``: the lowest answer meeting the gate;
    - ``scenes_at_least``: raise the scenes closest to the level (highest current
      level first, then weight, then document order) to exactly the level, mandatory
      ones first when a mandatory part is short;
    - ``tagged_share_at_least``: raise the fewest scenes carrying the tag (closest
      first) to the level;
    - score gates: the questions in scope with the largest headroom first (then
      weight, then document order), each to its best answer, the last one only to the
      lowest answer that closes the gap;
    - ``all_of``: its unmet parts one at a time; ``any_of``: the part needing the
      fewest questions (then the first).

    The questions changed are the gate blockers; each is planned at the lowest answer
    meeting every need found for it ("the minimal step that meets the gate").

Priority (1 = highest; items are listed by priority)
    1. gate blockers, the lowest level they block first;
    2. every other item;
    and within each group by weight x headroom (question weight x (maximum score -
    current score)), largest first, then by document order.

Planned answer and expected gain
    A gate blocker is planned at the minimal step meeting its gates; any other item at
    its best answer, except a scene that a ``tagged_share_at_least`` gate counts without
    carrying its tag (a non-AI scenario): raising it adds to the denominator only, so it
    is planned only as high as keeps every projected level (no item when no higher
    level of it does). The expected gain is the planned answer's score minus the
    current score (0 for an unscored scene that a gate counts).

Phase (``now``, ``6m`` = within 6 months, ``18m`` = 6 to 18 months)
    - ``now``: blockers of the next level (and of any level below it);
      other items whose planned answer is one step up ("quick wins");
    - ``6m``: blockers of the levels above the next one, up to the target;
      other items two steps up;
    - ``18m``: other items three or more steps up (structural changes).

    A step is one rung in the order of better answers: the next better-scoring option
    or band, one scene level, the boolean, one more option of a multi question.

Projection
    The planned answers of the ``now`` items (then also ``6m``, then all) applied to
    the current answers and re-scored with the engine: the total and level the
    enterprise would have.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from assessments.scoring import (
    Framework,
    Gate,
    GateResult,
    LevelRef,
    Question,
    Result,
    Text,
    score,
)
from assessments.scoring.model import ZERO
from assessments.scoring.result import to_plain

PHASE_NOW = "now"
PHASE_SOON = "6m"
PHASE_LATER = "18m"
PHASES = (PHASE_NOW, PHASE_SOON, PHASE_LATER)

SCORE_GATES = frozenset(
    {"total_at_least", "dimension_at_least", "dimension_percent_at_least", "area_at_least"}
)

_HUNDRED = Decimal(100)


class UnknownLevel(ValueError):
    """``required_level`` names no level of the framework."""


# ---- what the planner returns ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BlockedGate:
    """A gate an item helps to meet: its level and the engine's sentence for it
    (as evaluated on the current answers)."""

    level_code: str
    level_name: Text
    level_index: int
    type: str
    description: Text
    met: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level_code,
            "level_name": dict(self.level_name),
            "type": self.type,
            "description": dict(self.description),
            "met": self.met,
        }


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One item of the plan: a question, what to do about it and what it brings.

    ``current_value``/``target_value`` are answer values (``None`` when unanswered);
    ``steps`` counts rungs between them (see the module docstring); ``blocks`` is
    empty for an item that blocks no gate.
    """

    question_key: str
    question: Question
    priority: int
    phase: str
    blocks: tuple[BlockedGate, ...]
    recommendations: tuple[Text, ...]
    answered: bool
    current_value: Any
    target_value: Any
    current_score: Decimal
    target_score: Decimal
    max_score: Decimal
    expected_gain: Decimal
    weighted_headroom: Decimal
    steps: int

    @property
    def blocking(self) -> bool:
        return bool(self.blocks)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form, texts as bilingual dicts."""
        return {
            "question_key": self.question_key,
            "priority": self.priority,
            "phase": self.phase,
            "blocks": [gate.to_dict() for gate in self.blocks],
            "recommendations": [dict(text) for text in self.recommendations],
            "answered": self.answered,
            "current_value": self.current_value,
            "target_value": self.target_value,
            "current_score": to_plain(self.current_score),
            "target_score": to_plain(self.target_score),
            "max_score": to_plain(self.max_score),
            "expected_gain": to_plain(self.expected_gain),
            "weight": to_plain(self.question.weight),
            "weighted_headroom": to_plain(self.weighted_headroom),
            "steps": self.steps,
        }


@dataclass(frozen=True, slots=True)
class Projection:
    """The total and level once every item up to ``phase`` (cumulative) is done."""

    phase: str
    total: Decimal
    level: LevelRef | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "total": to_plain(self.total),
            "level": self.level.to_dict() if self.level else None,
        }


@dataclass(frozen=True, slots=True)
class Plan:
    """An improvement plan for one answer set. ``items`` are in priority order;
    ``projections`` hold one entry per phase, cumulative (``now``, ``6m``, ``18m``)."""

    framework_code: str
    framework_version: str
    result: Result
    target_level: LevelRef | None
    required_level: str | None
    items: tuple[PlanStep, ...]
    projections: tuple[Projection, ...]
    unreachable: tuple[BlockedGate, ...] = ()
    _by_key: dict[str, PlanStep] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_key.update((item.question_key, item) for item in self.items)

    @property
    def level(self) -> LevelRef | None:
        return self.result.level

    @property
    def total(self) -> Decimal:
        return self.result.total

    @property
    def max_total(self) -> Decimal:
        return self.result.max_total

    @property
    def projected(self) -> Projection:
        """What doing the ``now`` items would give."""
        return self.projections[0]

    def item(self, question_key: str) -> PlanStep | None:
        return self._by_key.get(question_key)

    def in_phase(self, phase: str) -> list[PlanStep]:
        return [item for item in self.items if item.phase == phase]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: Decimals as floats rounded to 3 places, bilingual texts."""
        return {
            "framework_code": self.framework_code,
            "framework_version": self.framework_version,
            "total": to_plain(self.total),
            "max_total": to_plain(self.max_total),
            "level": self.level.to_dict() if self.level else None,
            "target_level": self.target_level.to_dict() if self.target_level else None,
            "required_level": self.required_level,
            "items": [item.to_dict() for item in self.items],
            "projections": [projection.to_dict() for projection in self.projections],
            "unreachable": [gate.to_dict() for gate in self.unreachable],
        }


# ---- answers: ordering, minimal answers, steps ----------------------------------------


@dataclass(frozen=True, slots=True)
class Need:
    """What a question's planned answer must reach: a score, and for number and scene
    questions a value (``answer_at_least``, scene counts)."""

    min_score: Decimal = ZERO
    min_value: Decimal | None = None

    def merge(self, other: Need) -> Need:
        values = [v for v in (self.min_value, other.min_value) if v is not None]
        return Need(max(self.min_score, other.min_score), max(values) if values else None)


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _answered(question: Question, value: Any) -> bool:
    return question.is_answered(value)


def _scene_level(question: Question, value: Any) -> int | None:
    return value if _answered(question, value) else None


def _band_index(question: Question, value: Any) -> int:
    for index, band in enumerate(question.bands):
        if band.upto is None or Decimal(str(value)) <= band.upto:
            return index
    return len(question.bands) - 1


def _band_value(question: Question, index: int) -> Decimal | None:
    """A value inside band ``index``: its upper bound, or just above the previous bound
    for the last band (within the question's maximum); None when out of reach."""
    band = question.bands[index]
    if band.upto is not None:
        value = band.upto
    elif index == 0:
        value = question.min_value if question.min_value is not None else ZERO
    else:
        previous = question.bands[index - 1].upto or ZERO
        value = previous + 1
        if question.max_value is not None and value > question.max_value:
            value = question.max_value
            if value <= previous:
                return None
    if question.min_value is not None and value < question.min_value:
        value = question.min_value
    return value


def _better_boolean(question: Question) -> bool:
    return question.score_true >= question.score_false


def _answer_for(question: Question, value: Any, need: Need) -> Any:
    """The lowest answer, never below ``value``, meeting ``need``; ``value`` itself when
    it already does; None when no answer can."""
    answered = _answered(question, value)
    current = question.score_of(value)
    kind = question.type

    def meets(candidate: Any) -> bool:
        if question.score_of(candidate) < need.min_score:
            return False
        if need.min_value is None:
            return True
        return Decimal(str(candidate)) >= need.min_value

    if answered and meets(value):
        return value
    if kind == "single":
        candidates = [
            option
            for option in question.options
            if option.score >= need.min_score and (not answered or option.score > current)
        ]
        if not candidates:
            return None
        return min(
            candidates, key=lambda option: (option.score, question.options.index(option))
        ).value
    if kind == "boolean":
        better = _better_boolean(question)
        return better if meets(better) else None
    if kind == "multi":
        chosen = [
            option.value
            for option in question.options
            if answered and option.value in value and not option.exclusive
        ]
        extra = sorted(
            (o for o in question.options if o.score > 0 and o.value not in chosen),
            key=lambda option: (-option.score, question.options.index(option)),
        )
        for option in extra:
            if chosen and question.score_of(chosen) >= need.min_score:
                break
            chosen.append(option.value)
        ordered = [o.value for o in question.options if o.value in chosen]
        return ordered if ordered and question.score_of(ordered) >= need.min_score else None
    if kind == "scene_level":
        lowest = _scene_level(question, value) or 0
        if need.min_value is not None:
            lowest = max(lowest, math.ceil(need.min_value))
        for level in range(lowest, 5):
            if question.score_of(level) >= need.min_score:
                return level
        return None
    if kind == "number":
        bounds = [question.min_value if question.min_value is not None else ZERO]
        if answered:
            bounds.append(Decimal(str(value)))
        if need.min_value is not None:
            bounds.append(need.min_value)
        if need.min_score > ZERO:
            band_index = next(
                (i for i, band in enumerate(question.bands) if band.score >= need.min_score), None
            )
            band_value = None if band_index is None else _band_value(question, band_index)
            if band_value is None:
                return None
            bounds.append(band_value)
        target = max(bounds)
        if question.max_value is not None and target > question.max_value:
            return None
        candidate = _json_number(target)
        return candidate if meets(candidate) else None
    return None


def _best_answer(question: Question, value: Any) -> Any:
    if question.type == "scene_level" and question.maximum == ZERO:
        return 4
    return _answer_for(question, value, Need(min_score=question.maximum))


def _steps(question: Question, value: Any, target: Any) -> int:
    """Rungs between ``value`` and ``target`` in the order of better answers (>= 1)."""
    kind = question.type
    answered = _answered(question, value)
    if kind == "multi":
        before = set(value) if answered else set()
        return max(1, sum(1 for chosen in target if chosen not in before))
    if kind == "scene_level":
        return max(1, target - (value if answered else 0))
    if kind == "boolean":
        return 1
    low, high = question.score_of(value), question.score_of(target)
    if kind == "single":
        scores = {option.score for option in question.options}
    else:
        scores = {band.score for band in question.bands}
    return max(1, sum(1 for s in scores if low < s <= high))


def _recommendations(question: Question, value: Any) -> tuple[Text, ...]:
    """The framework's advice for the current answer (FORMAT.md): the chosen option's,
    the band's, the scene level's, the boolean's; for a multi question those of the
    scoring options not chosen. An unanswered question reads as its lowest answer."""
    kind = question.type
    answered = _answered(question, value)
    found: list[Text | None] = []
    if kind == "single":
        option = question.option(value) if answered else None
        if option is None and question.options:
            option = min(question.options, key=lambda o: (o.score, question.options.index(o)))
        found.append(option.recommendation if option else None)
    elif kind == "multi":
        chosen = set(value) if answered else set()
        found.extend(
            o.recommendation for o in question.options if o.score > 0 and o.value not in chosen
        )
    elif kind == "number":
        if question.bands:
            index = _band_index(question, value) if answered else 0
            found.append(question.bands[index].recommendation)
    elif kind == "scene_level":
        found.append(question.scene_recommendation(value if answered else 0))
    elif kind == "boolean":
        found.append(question.recommendation)
    return tuple(text for text in found if text)


# ---- gates: which answers block them ---------------------------------------------------


@dataclass(slots=True)
class _State:
    """The answers being planned and their score."""

    fw: Framework
    answers: dict[str, Any]
    result: Result
    original: Result

    def eligible(self, key: str) -> bool:
        question = self.fw.questions[key]
        return (
            question.type != "text"
            and not question.is_classification
            and self.original.questions[key].visible
            and self.result.questions[key].visible
        )

    def counted(self, key: str) -> Any:
        """The answer as the gates read it: None when hidden or unanswered."""
        entry = self.result.questions[key]
        return self.answers.get(key) if entry.visible and entry.answered else None

    def scene(self, key: str) -> int:
        value = self.counted(key)
        return -1 if value is None else value


Fix = list[tuple[tuple[int, ...], dict[str, Need]]]
"""Per gate part (its path of child indices): the needs that meet it."""


def _closest(state: _State, keys: Iterable[str]) -> list[str]:
    questions = state.fw.questions
    return sorted(keys, key=lambda k: (-state.scene(k), -questions[k].weight, questions[k].index))


def _fix_scores(gate: Gate, result: GateResult, state: _State) -> Fix | None:
    fw = state.fw
    if gate.type == "total_at_least":
        scope: Iterable[Question] = fw.iter_questions()
        gap = (gate.value or ZERO) - state.result.total
    elif gate.type == "area_at_least":
        area = fw.area(gate.area or "")
        scope = area.questions
        gap = (gate.value or ZERO) - _area_score(state.result, area.key)
    else:
        dimension = fw.dimension(gate.dimension or "")
        scope = dimension.questions
        have = _dimension_score(state.result, dimension.key)
        if gate.type == "dimension_percent_at_least":
            gap = (gate.value or ZERO) * dimension.maximum / _HUNDRED - have
        else:
            gap = (gate.value or ZERO) - have
    candidates = []
    for question in scope:
        if not state.eligible(question.key):
            continue
        headroom = question.maximum - state.result.questions[question.key].score
        if headroom > ZERO:
            candidates.append((headroom, question))
    candidates.sort(key=lambda c: (-c[0], -c[1].weight, c[1].index))
    needs: dict[str, Need] = {}
    for headroom, question in candidates:
        if gap <= ZERO:
            break
        current = state.result.questions[question.key].score
        needs[question.key] = Need(min_score=current + min(headroom, gap))
        gap -= headroom
    return [((), needs)] if needs else None


def _area_score(result: Result, key: str) -> Decimal:
    for dimension in result.dimensions:
        for area in dimension.areas:
            if area.key == key:
                return area.score
    return ZERO


def _dimension_score(result: Result, key: str) -> Decimal:
    return next((d.score for d in result.dimensions if d.key == key), ZERO)


def _fix_answer(gate: Gate, result: GateResult, state: _State) -> Fix | None:
    question = state.fw.questions[gate.question or ""]
    if not state.eligible(question.key):
        return None
    if gate.type == "answer_at_least":
        need = Need(min_value=gate.value or ZERO)
    elif question.type == "boolean":
        wanted = gate.expected is True
        need = Need(min_score=question.score_true if wanted else question.score_false)
    else:
        option = question.option(gate.expected)
        if option is None:
            return None
        need = Need(min_score=option.score)
    return [((), {question.key: need})]


def _fix_scenes(gate: Gate, result: GateResult, state: _State) -> Fix | None:
    level = gate.level or 0
    reached = [k for k in gate.counted if state.scene(k) >= level]
    open_keys = _closest(state, [k for k in gate.counted if k not in reached and state.eligible(k)])
    picked: list[str] = []
    if gate.mandatory_tag is not None:
        short = (gate.mandatory_count or 0) - sum(1 for k in reached if k in gate.marked)
        picked.extend([k for k in open_keys if k in gate.marked][: max(short, 0)])
    short = (gate.count or 0) - len(reached) - len(picked)
    picked.extend([k for k in open_keys if k not in picked][: max(short, 0)])
    if not picked:
        return None
    need = Need(min_value=Decimal(level))
    return [((), dict.fromkeys(picked, need))]


def _fix_share(gate: Gate, result: GateResult, state: _State) -> Fix | None:
    level, share = gate.level or 0, gate.share or ZERO
    reached = [k for k in gate.counted if state.scene(k) >= level]
    denominator = len(reached)
    numerator = sum(1 for k in reached if k in gate.marked)
    open_keys = _closest(
        state,
        [k for k in gate.counted if k in gate.marked and k not in reached and state.eligible(k)],
    )
    for extra in range(1, len(open_keys) + 1):
        if Decimal(numerator + extra) >= share * (denominator + extra):
            need = Need(min_value=Decimal(level))
            return [((), dict.fromkeys(open_keys[:extra], need))]
    return None


def _fix_all(gate: Gate, result: GateResult, state: _State) -> Fix | None:
    unmet = [
        (index, child, child_result)
        for index, (child, child_result) in enumerate(zip(gate.gates, result.children, strict=True))
        if not child_result.met
    ]
    unmet.sort(key=lambda part: (part[1].type in SCORE_GATES, part[0]))
    for index, child, child_result in unmet:
        fix = _fix(child, child_result, state)
        if fix:
            return [((index, *path), needs) for path, needs in fix]
    return None


def _fix_any(gate: Gate, result: GateResult, state: _State) -> Fix | None:
    best: tuple[int, int, Fix] | None = None
    for index, (child, child_result) in enumerate(zip(gate.gates, result.children, strict=True)):
        fix = _fix(child, child_result, state)
        if not fix:
            continue
        size = len({key for _path, needs in fix for key in needs})
        if best is None or size < best[0]:
            best = (size, index, [((index, *path), needs) for path, needs in fix])
    return best[2] if best else None


def _fix(gate: Gate, result: GateResult, state: _State) -> Fix | None:
    """The smallest change of answers meeting ``gate`` (evaluated as ``result`` on
    ``state``), or None when no change of visible answers can."""
    kind = gate.type
    if kind in SCORE_GATES:
        return _fix_scores(gate, result, state)
    if kind in ("answer_at_least", "answer_equals"):
        return _fix_answer(gate, result, state)
    if kind == "scenes_at_least":
        return _fix_scenes(gate, result, state)
    if kind == "tagged_share_at_least":
        return _fix_share(gate, result, state)
    if kind == "all_of":
        return _fix_all(gate, result, state)
    if kind == "any_of":
        return _fix_any(gate, result, state)
    return None


def _gate_at(result: Result, level: int, path: tuple[int, ...]) -> GateResult:
    gate = result.levels[level].gates[path[0]]
    for index in path[1:]:
        gate = gate.children[index]
    return gate


def _blocked(fw: Framework, result: Result, level: int, path: tuple[int, ...]) -> BlockedGate:
    gate = _gate_at(result, level, path)
    return BlockedGate(
        level_code=fw.levels[level].code,
        level_name=fw.levels[level].name,
        level_index=level,
        type=gate.type,
        description=gate.description,
        met=gate.met,
    )


def _apply(fw: Framework, answers: Mapping[str, Any], needs: Mapping[str, Need]) -> dict[str, Any]:
    planned = dict(answers)
    for key, need in needs.items():
        value = _answer_for(fw.questions[key], answers.get(key), need)
        if value is not None:
            planned[key] = value
    return planned


def _first_unmet(
    fw: Framework, result: Result, target: int, skip: set[tuple[int, int]]
) -> tuple[int, int] | None:
    for level in range(target + 1):
        unmet = [
            index
            for index, gate in enumerate(result.levels[level].gates)
            if not gate.met and (level, index) not in skip
        ]
        if unmet:
            unmet.sort(key=lambda i: (fw.levels[level].gates[i].type in SCORE_GATES, i))
            return level, unmet[0]
    return None


def _blockers(
    fw: Framework, answers: Mapping[str, Any], original: Result, target: int
) -> tuple[dict[str, Need], dict[str, dict[tuple[int, ...], BlockedGate]], list[BlockedGate]]:
    needs: dict[str, Need] = {}
    blocks: dict[str, dict[tuple[int, ...], BlockedGate]] = {}
    unreachable: dict[tuple[int, int], BlockedGate] = {}
    state = _State(fw, dict(answers), original, original)
    # Each round raises at least one need or gives up a gate; needs are bounded by the
    # best answers, so this ends well before the limit on any valid framework.
    rounds = 5 * len(fw.questions) + sum(len(level.gates) for level in fw.levels) + 10
    for _ in range(rounds):
        found = _first_unmet(fw, state.result, target, set(unreachable))
        if found is None:
            break
        level, index = found
        gate = fw.levels[level].gates[index]
        fix = _fix(gate, state.result.levels[level].gates[index], state)
        changed = False
        for path, part in fix or ():
            for key, need in part.items():
                merged = needs[key].merge(need) if key in needs else need
                planned = _answer_for(fw.questions[key], answers.get(key), merged)
                before = state.answers.get(key)
                if planned is None or planned == before:
                    continue
                needs[key] = merged
                blocks.setdefault(key, {})[(level, index, *path)] = _blocked(
                    fw, original, level, (index, *path)
                )
                changed = True
        if not changed:
            unreachable[(level, index)] = _blocked(fw, original, level, (index,))
            continue
        planned_answers = _apply(fw, answers, needs)
        state = _State(fw, planned_answers, score(fw, planned_answers), original)
    return needs, blocks, list(unreachable.values())


# ---- the plan -------------------------------------------------------------------------


def _phase(blocks: tuple[BlockedGate, ...], steps: int, next_index: int) -> str:
    if blocks:
        return PHASE_NOW if min(b.level_index for b in blocks) <= next_index else PHASE_SOON
    if steps <= 1:
        return PHASE_NOW
    return PHASE_SOON if steps == 2 else PHASE_LATER


def _level_index(fw: Framework, level: LevelRef | None) -> int:
    if level is None:
        return -1
    return next(i for i, candidate in enumerate(fw.levels) if candidate.code == level.code)


def _target_index(fw: Framework, result: Result, required_level: str | None) -> int | None:
    reached = _level_index(fw, result.level)
    candidates = [reached + 1] if reached + 1 < len(fw.levels) else []
    if required_level:
        codes = [level.code for level in fw.levels]
        if required_level not in codes:
            raise UnknownLevel(required_level)
        required = codes.index(required_level)
        if required > reached:
            candidates.append(required)
    return max(candidates) if candidates else None


def _share_sensitive(fw: Framework) -> frozenset[str]:
    """Scenes whose rise can lower a level: counted by a share gate without carrying its
    tag (FORMAT.md: the one case where a better answer can fail a gate)."""
    keys: set[str] = set()

    def walk(gates: Iterable[Gate]) -> None:
        for gate in gates:
            if gate.type == "tagged_share_at_least":
                keys.update(key for key in gate.counted if key not in gate.marked)
            walk(gate.gates)

    for level in fw.levels:
        walk(level.gates)
    return frozenset(keys)


class _Cumulative:
    """The answers once every item up to each phase is done, scored on demand."""

    def __init__(self, fw: Framework, answers: Mapping[str, Any]) -> None:
        self.fw = fw
        self.answers = {phase: dict(answers) for phase in PHASES}
        self._results: dict[str, Result] = {}

    def set(self, key: str, value: Any, phase: str) -> None:
        for later in PHASES[PHASES.index(phase) :]:
            self.answers[later][key] = value
            self._results.pop(later, None)

    def result(self, phase: str) -> Result:
        if phase not in self._results:
            self._results[phase] = score(self.fw, self.answers[phase])
        return self._results[phase]

    def keeps_level(self, key: str, value: Any, phase: str) -> bool:
        """True when setting ``key`` from ``phase`` on lowers no cumulative level."""
        for later in PHASES[PHASES.index(phase) :]:
            before = _level_index(self.fw, self.result(later).level)
            trial = {**self.answers[later], key: value}
            if _level_index(self.fw, score(self.fw, trial).level) < before:
                return False
        return True


def _targets(question: Question, value: Any, sensitive: bool) -> list[Any]:
    """Planned answers to try, best first: only the best answer, except for a
    share-sensitive scene, which may stop at a lower level that keeps every level."""
    best = _best_answer(question, value)
    if best is None:
        return []
    if not sensitive:
        return [best]
    lowest = (value if _answered(question, value) else -1) + 1
    return list(range(best, lowest - 1, -1))


def improvement_plan(
    fw: Framework, answers: Mapping[str, Any], *, required_level: str | None = None
) -> Plan:
    """The improvement plan for ``answers`` (question key -> value) on ``fw``.

    Precondition: the answers passed ``validate_answers`` (as saved answers and
    snapshots do). ``required_level`` is a level code the enterprise must reach (an
    anchor firm's requirement); it raises the target when above the next level and
    raises :class:`UnknownLevel` when the framework has no such level. The rules are
    in the module docstring; the result depends on nothing but the arguments.

    Promises: no item for a hidden, text, classification or best-answered question;
    items in priority order; doing every item never gives a lower level than doing
    the gate blockers alone (a non-AI scene is planned below its best when raising it
    further would lower the share of AI scenes under a gate).
    """
    answers = dict(answers)
    result = score(fw, answers)
    target = _target_index(fw, result, required_level)
    next_index = _level_index(fw, result.level) + 1
    needs: dict[str, Need] = {}
    blocks: dict[str, dict[tuple[int, ...], BlockedGate]] = {}
    unreachable: list[BlockedGate] = []
    if target is not None:
        needs, blocks, unreachable = _blockers(fw, answers, result, target)

    cumulative = _Cumulative(fw, answers)
    sensitive = _share_sensitive(fw)
    chosen: list[tuple[tuple[Any, ...], Question, Any, str, tuple[BlockedGate, ...]]] = []
    others: list[tuple[tuple[Any, ...], Question]] = []
    for question in fw.iter_questions():
        key = question.key
        entry = result.questions[key]
        headroom = question.maximum - entry.score
        rank = (-(question.weight * headroom), question.index)
        if key in needs:
            planned = _answer_for(question, answers.get(key), needs[key])
            item_blocks = tuple(blocks[key].values())
            lowest = min(b.level_index for b in item_blocks)
            steps = _steps(question, answers.get(key), planned)
            phase = _phase(item_blocks, steps, next_index)
            chosen.append(((0, lowest, *rank), question, planned, phase, item_blocks))
            cumulative.set(key, planned, phase)
        elif (
            entry.visible
            and question.type != "text"
            and not question.is_classification
            and entry.score < entry.max
        ):
            others.append(((1, 0, *rank), question))
    others.sort(key=lambda other: other[0])
    for rank_key, question in others:
        value = answers.get(question.key)
        for planned in _targets(question, value, question.key in sensitive):
            if _answered(question, value) and planned == value:
                break
            phase = _phase((), _steps(question, value, planned), next_index)
            if question.key in sensitive and not cumulative.keeps_level(
                question.key, planned, phase
            ):
                continue
            chosen.append((rank_key, question, planned, phase, ()))
            cumulative.set(question.key, planned, phase)
            break

    chosen.sort(key=lambda c: c[0])
    items = []
    for priority, (_rank, question, planned, phase, item_blocks) in enumerate(chosen, start=1):
        value = answers.get(question.key)
        current = result.questions[question.key].score
        target_score = question.score_of(planned)
        items.append(
            PlanStep(
                question_key=question.key,
                question=question,
                priority=priority,
                phase=phase,
                blocks=item_blocks,
                recommendations=_recommendations(question, value),
                answered=_answered(question, value),
                current_value=value if _answered(question, value) else None,
                target_value=planned,
                current_score=current,
                target_score=target_score,
                max_score=question.maximum,
                expected_gain=target_score - current,
                weighted_headroom=question.weight * (question.maximum - current),
                steps=_steps(question, value, planned),
            )
        )
    projections = tuple(
        Projection(
            phase=phase, total=cumulative.result(phase).total, level=cumulative.result(phase).level
        )
        for phase in PHASES
    )
    target_ref = None
    if target is not None:
        target_ref = LevelRef(fw.levels[target].code, fw.levels[target].name)
    return Plan(
        framework_code=fw.code,
        framework_version=fw.version,
        result=result,
        target_level=target_ref,
        required_level=required_level or None,
        items=tuple(items),
        projections=projections,
        unreachable=tuple(unreachable),
    )
