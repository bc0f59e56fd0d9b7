"""Sanity timing of the engine on a synthetic 80-question framework (not a test).

Run ``python -m assessments.scoring.benchmark``; it prints the median time of
``load_definition``, ``validate_answers`` and ``score``. The target for ``score`` is
well under 1 ms. Timings never go into the test suite (DESIGN.md).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from .answers import validate_answers
from .engine import score
from .loader import load_definition
from .model import Framework


def _t(zh: str) -> dict[str, str]:
    return {"zh-hans": zh, "en": zh}


def _question(number: int) -> dict[str, Any]:
    key = f"q{number:02d}"
    kind = ("single", "multi", "number", "boolean", "scene_level")[number % 5]
    node: dict[str, Any] = {"key": key, "type": kind, "text": _t(f"问题 {number}")}
    if kind == "single":
        node["options"] = [
            {
                "value": f"o{i}",
                "label": _t(f"选项 {i}"),
                "score": i * 1.5,
                "recommendation": _t("x"),
            }
            for i in range(5)
        ]
    elif kind == "multi":
        node["options"] = [{"value": "none", "label": _t("无"), "score": 0, "exclusive": True}] + [
            {"value": f"o{i}", "label": _t(f"选项 {i}"), "score": 0.7, "recommendation": _t("x")}
            for i in range(1, 9)
        ]
        node["max_score"] = 5
    elif kind == "number":
        node["min"], node["max"] = 0, 100
        node["bands"] = [
            {"upto": 10, "score": 0, "recommendation": _t("x")},
            {"upto": 20, "score": 1.5, "recommendation": _t("x")},
            {"upto": 40, "score": 3, "recommendation": _t("x")},
            {"upto": 60, "score": 4.5, "recommendation": _t("x")},
            {"upto": None, "score": 6},
        ]
    elif kind == "boolean":
        node["score_true"], node["recommendation"] = 2, _t("x")
    else:
        node["tags"] = ["scene", "mandatory"] if number % 2 else ["scene"]
        node["descriptors"] = {level: _t(f"等级 {level}") for level in range(1, 5)}
        if number > 40:
            node["show_if"] = {"question": f"q{number - 1:02d}", "equals": True}
    return node


def synthetic_document(questions: int = 80) -> dict[str, Any]:
    """An SME-like framework: 4 dimensions x 2 areas, every question type, scene gates."""
    per_area = questions // 8
    dimensions = [
        {
            "key": f"d{d}",
            "name": _t(f"维度 {d}"),
            "areas": [
                {
                    "key": f"d{d}a{a}",
                    "name": _t(f"领域 {d}.{a}"),
                    "questions": [_question((d * 2 + a) * per_area + i) for i in range(per_area)],
                }
                for a in range(2)
            ],
        }
        for d in range(4)
    ]
    levels = [
        {
            "code": f"L{level}",
            "name": _t(f"{level} 级"),
            "confirmation": "self",
            "gates": [
                {"type": "total_at_least", "value": 40 * level},
                {
                    "type": "scenes_at_least",
                    "tag": "scene",
                    "level": level,
                    "count": 2 + level,
                    "mandatory_tag": "mandatory",
                    "mandatory_count": level,
                },
                {"type": "dimension_percent_at_least", "dimension": "d0", "value": 10 * level},
            ],
        }
        for level in range(1, 5)
    ]
    return {
        "format": 1,
        "code": "synthetic",
        "version": "1",
        "title": _t("合成框架"),
        "levels": levels,
        "dimensions": dimensions,
    }


def random_answers(fw: Framework, rng: random.Random) -> dict[str, Any]:
    """A valid, fully answered answer set."""
    answers: dict[str, Any] = {}
    for question in fw.iter_questions():
        if question.type == "single":
            answers[question.key] = rng.choice(question.options).value
        elif question.type == "multi":
            choices = [option.value for option in question.options if not option.exclusive]
            answers[question.key] = rng.sample(choices, rng.randint(1, len(choices)))
        elif question.type == "number":
            low = float(question.min_value) if question.min_value is not None else 0.0
            high = float(question.max_value) if question.max_value is not None else low + 100.0
            answers[question.key] = rng.uniform(low, high)
        elif question.type == "boolean":
            answers[question.key] = rng.random() < 0.5
        elif question.type == "scene_level":
            answers[question.key] = rng.randint(0, 4)
    return answers


def _median_seconds(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    """Print median timings in microseconds."""
    document = synthetic_document()
    fw = load_definition(document)
    rng = random.Random(2024)
    answer_sets = [random_answers(fw, rng) for _ in range(200)]
    cycle = iter(answer_sets * 50)
    print(f"questions: {len(fw.questions)}")
    print(
        f"load_definition:  {_median_seconds(lambda: load_definition(document), 50) * 1e6:9.1f} us"
    )
    print(
        f"validate_answers: "
        f"{_median_seconds(lambda: validate_answers(fw, next(cycle)), 2000) * 1e6:9.1f} us"
    )
    print(
        f"score:            {_median_seconds(lambda: score(fw, next(cycle)), 5000) * 1e6:9.1f} us"
    )
    print(
        f"score + to_dict:  "
        f"{_median_seconds(lambda: score(fw, next(cycle)).to_dict(), 2000) * 1e6:9.1f} us"
    )


if __name__ == "__main__":
    main()
