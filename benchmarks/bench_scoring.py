"""Time the pure scoring engine on one assessment of a shipped framework.

    python benchmarks/bench_scoring.py [--runs 5000] [--framework smart-factory-gradient]

Scores a pool of seeded, realistic answer sets (85 questions for smart-factory-gradient)
and prints medians of ``score``, ``score(...).to_dict()``, ``stored_result`` and
``validate_answers`` next to a baseline measured in the same loop: merely copying the
answers (``dict(answers)``) and serialising them (``json.dumps``), the least any code
path that stores or sends an answer set does. Every operation is timed per call and
interleaved with the others, so drift (CPU frequency, other load) hits all alike.

Target: ``score`` < 1 ms median.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from typing import Any

import _common
from _common import Check, Summary, fmt_ratio, fmt_seconds, median, percentile

TARGET_SECONDS = 1e-3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5000, help="Timed calls per operation.")
    parser.add_argument("--pool", type=int, default=200, help="Distinct answer sets cycled.")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--framework",
        default="smart-factory-gradient",
        choices=["smart-factory-gradient", "sme-digital-level-2024"],
    )
    _common.add_summary_argument(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    _common.setup_django(migrate=False)

    import yaml

    from assessments import scoring
    from assessments.services.frameworks import SHIPPED_DIR
    from assessments.services.rescoring import stored_result
    from assessments.synthetic import realistic_answers

    document = yaml.safe_load((SHIPPED_DIR / f"{args.framework}.yaml").read_text("utf-8"))
    load_samples = [_common.time_call(lambda: scoring.load_definition(document)) for _ in range(9)]
    fw = scoring.load_definition(document)
    rng = random.Random(args.seed)
    pool = [realistic_answers(fw, rng) for _ in range(args.pool)]
    answered = median([len(a) for a in pool])

    def baseline(answers: dict[str, Any]) -> object:
        copied = dict(answers)
        return json.dumps(copied, ensure_ascii=False)

    dumped = [json.dumps(a, ensure_ascii=False) for a in pool]
    operations: dict[str, Callable[[int], object]] = {
        "baseline: dict() + json.dumps": lambda i: baseline(pool[i]),
        "json.loads (stored row)": lambda i: json.loads(dumped[i]),
        "validate_answers": lambda i: scoring.validate_answers(fw, pool[i]),
        "score": lambda i: scoring.score(fw, pool[i]),
        "score + to_dict": lambda i: scoring.score(fw, pool[i]).to_dict(),
        "stored_result (rescore per row)": lambda i: stored_result(fw, pool[i]),
    }
    samples: dict[str, list[float]] = {name: [] for name in operations}
    names = list(operations)
    for warm in range(min(200, args.runs)):
        for name in names:
            operations[name](warm % len(pool))
    perf_counter = time.perf_counter
    for run in range(args.runs):
        index = run % len(pool)
        # Rotate the order so no operation always runs right after the same neighbour.
        shift = run % len(names)
        for name in names[shift:] + names[:shift]:
            action = operations[name]
            start = perf_counter()
            action(index)
            samples[name].append(perf_counter() - start)

    base = median(samples[names[0]])
    print(f"framework: {args.framework} ({len(fw.questions)} questions)")
    print(f"answer sets: {len(pool)} seeded (seed {args.seed}), median {answered:.0f} answers")
    print(f"runs per operation: {args.runs}, interleaved; machine: {_common.machine_note()}")
    print(f"load_definition (once per process, cached): {fmt_seconds(median(load_samples))}")
    print()
    rows = []
    for name in names:
        mid = median(samples[name])
        rows.append(
            [
                name,
                fmt_seconds(mid),
                fmt_seconds(percentile(samples[name], 95)),
                fmt_seconds(base),
                fmt_ratio(mid / base),
                "< 1 ms" if name == "score" else "",
            ]
        )
    _common.print_table(["operation", "median", "p95", "baseline", "ratio", "target"], rows)

    score_median = median(samples["score"])
    validate_median = median(samples["validate_answers"])
    summaries = [
        Summary.checked(
            [Check("median", score_median, TARGET_SECONDS, unit=fmt_seconds)],
            benchmark=f"score ({len(fw.questions)} questions)",
            figure=f"{fmt_seconds(score_median)} median",
            baseline=f"{fmt_seconds(base)} dict+json.dumps",
            ratio=fmt_ratio(score_median / base),
            target="< 1 ms median",
            note=f"{args.runs} runs, p95 {fmt_seconds(percentile(samples['score'], 95))}",
        ),
        Summary(
            benchmark="validate_answers",
            figure=f"{fmt_seconds(validate_median)} median",
            baseline=f"{fmt_seconds(base)} dict+json.dumps",
            ratio=fmt_ratio(validate_median / base),
            target="(reported)",
        ),
    ]
    _common.print_summary(summaries)
    _common.write_summary(args.summary_json, summaries)


if __name__ == "__main__":
    main()
