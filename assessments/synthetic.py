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
