"""Seeded generators of realistic answers for any framework (plain data only), used by
the demo data, the benchmarks and the synthetic population.

"Realistic" means what a submitted assessment holds: every visible required question
answered, roughly ``optional_share`` of the optional ones, scene levels skewed towards
the low end (most factories run few scenarios at level 3-4), a few free-text answers,
and no answer to a question hidden by ``show_if`` (submission drops those).
"""

from __future__ import annotations

import math
import random
from typing import Any

from assessments.scoring import Framework, Question, visible_questions

# Most factories sit at scene level 0-2; few reach 4.
SCENE_WEIGHTS = (30, 28, 22, 13, 7)

_PHRASES = (
    "已完成主要产线的设备联网改造，",
    "计划明年上线制造执行系统，",
    "质量数据目前仍以纸质记录为主，",
    "与两家链主企业实现了订单协同，",
    "仓储环节引入了自动导引车，",
    "正在建设企业级数据中台，",
    "Key machines report OEE to the MES every minute. ",
    "设备点检与维保已全部线上化。",
)


def _number(question: Question, rng: random.Random) -> int | float:
    low = float(question.min_value) if question.min_value is not None else 0.0
    if question.max_value is not None:
        high = float(question.max_value)
        value = round(rng.uniform(low, high), 1)
        return min(max(value, low), high)
    # No upper bound (counts such as registered identifiers): orders of magnitude.
    start = max(low, 1.0)
    return int(math.exp(rng.uniform(math.log(start), math.log(start + 1_000_000))))


def _text(rng: random.Random) -> str:
    target = rng.randint(20, 300)
    parts: list[str] = []
    while sum(len(p) for p in parts) < target:
        parts.append(rng.choice(_PHRASES))
    return "".join(parts)[:target]


def random_value(question: Question, rng: random.Random) -> Any:
    """A valid, non-empty answer value for ``question``."""
    kind = question.type
    if kind == "single":
        return rng.choice(question.options).value
    if kind == "multi":
        exclusive = [o.value for o in question.options if o.exclusive]
        if exclusive and rng.random() < 0.15:
            return [rng.choice(exclusive)]
        choices = [o.value for o in question.options if not o.exclusive]
        return rng.sample(choices, rng.randint(1, len(choices)))
    if kind == "number":
        return _number(question, rng)
    if kind == "scene_level":
        return rng.choices(range(5), weights=SCENE_WEIGHTS)[0]
    if kind == "boolean":
        return rng.random() < 0.7
    return _text(rng)


def realistic_answers(
    fw: Framework, rng: random.Random, *, optional_share: float = 0.6
) -> dict[str, Any]:
    """A submitted-looking answer set: required questions answered, hidden ones dropped."""
    answers: dict[str, Any] = {}
    for question in fw.iter_questions():
        if question.required or rng.random() < optional_share:
            answers[question.key] = random_value(question, rng)
    visible = visible_questions(fw, answers)
    return {key: value for key, value in answers.items() if key in visible}


# --- answers that mature over time ---------------------------------------------------

# Cumulative SCENE_WEIGHTS: a position below _SCENE_CUTS[i] reads as scene level i, so a
# population whose positions are spread evenly shows SCENE_WEIGHTS.
_SCENE_CUTS = tuple(sum(SCENE_WEIGHTS[: i + 1]) / sum(SCENE_WEIGHTS) for i in range(5))
# Below this position an ordered yes/no question gets its worse answer. Requirements such
# as "no serious incident" are met by most firms that bother to assess.
BOOLEAN_WORSE_BELOW = 0.2
_TOP = 0.999


def _ordered_options(question: Question) -> tuple[str, ...]:
    """Option values of a single question from worst to best (ties in document order)."""
    ranked = sorted(enumerate(question.options), key=lambda item: (item[1].score, item[0]))
    return tuple(option.value for _index, option in ranked)


def _number_at(question: Question, position: float) -> int | float:
    low = float(question.min_value) if question.min_value is not None else 0.0
    if question.max_value is not None:
        high = float(question.max_value)
        integral = low.is_integer() and high.is_integer()
        if integral and high - low <= 10:  # levels such as CMMM 1-5: a whole number
            return int(min(high, low + math.floor(position * (high - low + 1))))
        value = low + position * (high - low)
        return round(value) if integral else round(value, 1)
    start = max(low, 1.0)  # counts without a bound: orders of magnitude
    return int(start * math.exp(position * math.log((start + 1_000_000) / start)))


class AnswerTrajectory:
    """One enterprise's answers to one framework as it matures, for synthetic histories.

    Every question gets a latent position in [0, 1) drawn around the enterprise's
    ``maturity`` (0 a paper-based workshop, 1 a lighthouse factory), and a growth rate
    per quarter around ``growth``. ``answers_at(quarters)`` reads each position (plus
    its growth since the first assessment) as an answer: the n-th worst option, a scene
    level through SCENE_WEIGHTS, more multi options, a higher number. Positions only
    grow, so a later answer set is never worse than an earlier one question by question
    (free text aside), and the engine's monotonicity makes its score never lower
    (FORMAT.md, "Better answers"; tagged-share gates excepted).

    Classification questions (all answers score the same) keep their answer; ``fixed``
    pins answers the caller knows from the enterprise itself (above designated size,
    process or discrete industry); ``offsets`` moves single questions up (a requirement
    nearly every applicant meets) or down (a rare distinction). Which optional questions
    are answered is drawn once.
    """

    def __init__(
        self,
        fw: Framework,
        rng: random.Random,
        *,
        maturity: float,
        growth: float,
        spread: float = 0.2,
        fixed: dict[str, Any] | None = None,
        offsets: dict[str, float] | None = None,
        optional_share: float = 0.6,
    ) -> None:
        self.fw = fw
        self.fixed = {k: v for k, v in (fixed or {}).items() if k in fw.questions}
        self._plans: list[tuple[Question, float, float, tuple[str, ...]]] = []
        for question in fw.iter_questions():
            if question.key in self.fixed:
                continue
            if not question.required and rng.random() >= optional_share:
                continue
            centre = maturity + (offsets or {}).get(question.key, 0.0)
            position = min(_TOP, max(0.0, rng.gauss(centre, spread)))
            rate = 0.0 if question.is_classification else growth * rng.uniform(0.3, 1.7)
            order: tuple[str, ...] = ()
            if question.type == "multi":
                choices = [o.value for o in question.options if not o.exclusive]
                rng.shuffle(choices)
                order = tuple(choices)
            elif question.type == "single":
                order = _ordered_options(question)
            self._plans.append((question, position, rate, order))

    def answers_at(self, quarters: float, rng: random.Random) -> dict[str, Any]:
        """The answer set ``quarters`` (>= 0) after the first assessment, hidden
        questions dropped as submission drops them. ``rng`` only draws free text."""
        answers: dict[str, Any] = dict(self.fixed)
        for question, position, rate, order in self._plans:
            answers[question.key] = self._value(
                question, min(_TOP, position + rate * quarters), order, rng
            )
        visible = visible_questions(self.fw, answers)
        return {key: value for key, value in answers.items() if key in visible}

    @staticmethod
    def _value(
        question: Question, position: float, order: tuple[str, ...], rng: random.Random
    ) -> Any:
        kind = question.type
        if kind == "single":
            return order[min(len(order) - 1, int(position * len(order)))]
        if kind == "multi":
            count = min(len(order), int(position * (len(order) + 1)))
            if count:
                return list(order[:count])
            exclusive = [o.value for o in question.options if o.exclusive]
            return [exclusive[0]] if exclusive else [order[0]]
        if kind == "scene_level":
            return next(level for level, cut in enumerate(_SCENE_CUTS) if position < cut)
        if kind == "number":
            return _number_at(question, position)
        if kind == "boolean":
            if question.is_classification:
                return position >= 0.5
            better = question.score_true >= question.score_false
            return better if position >= BOOLEAN_WORSE_BELOW else not better
        return _text(rng)
