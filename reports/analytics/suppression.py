"""Small-group suppression (k-anonymity) for cluster analytics: plain data only.

The rule (K = ``GRADIENT_BENCHMARK_MIN_GROUP``, 5 unless configured):

1. Participation is always shown: how many enterprises are registered in a group and
   how many of them are assessed. Registration is public, and the officer may list
   those enterprises by name anyway.
2. Results of a group - its level distribution, its dimension and total means, the
   gates its members miss, the share of an anchor's suppliers at the required level -
   are shown only when at least K assessed enterprises form the group. Otherwise the
   cells are blank ("fewer than K"), because a mean or a distribution over a few firms
   reads as those firms' own results on a printed page or in an API extract.
3. Where the groups of a breakdown partition the shown total (cities, industries, size
   classes), the suppressed groups together must also hold at least K assessed
   enterprises (or none): otherwise the next smallest groups are suppressed too, so
   that no hidden group can be recovered by subtracting the shown ones from the total.
   Clusters overlap (an enterprise may belong to several), so rule 3 does not apply to
   them; their results are suppressed by rule 2 alone.

The list of enterprises behind a number is not aggregated output: it names the
enterprises in the officer's scope, which the officer may open one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def enough(assessed: int, min_group: int) -> bool:
    """Whether a group's results may be shown (rule 2)."""
    return assessed >= min_group


def suppress_partition(assessed: Sequence[int], min_group: int) -> list[bool]:
    """For groups that partition a shown total, which to suppress (rules 2 and 3).

    `assessed` holds each group's assessed count. Groups below `min_group` are
    suppressed; then, while the suppressed groups hold between 1 and min_group - 1
    assessed enterprises together, the smallest shown group with any is added.
    """
    hidden = [0 < n < min_group for n in assessed]
    while True:
        held = sum(n for n, h in zip(assessed, hidden, strict=True) if h)
        if held == 0 or held >= min_group:
            return hidden
        candidates = [i for i, n in enumerate(assessed) if not hidden[i] and n > 0]
        if not candidates:
            return hidden
        hidden[min(candidates, key=lambda i: (assessed[i], i))] = True


def apply_partition(rows: list[dict[str, Any]], min_group: int) -> None:
    """Mark rows (each with ``assessed``) ``suppressed`` by rules 2 and 3, in place."""
    for row, hidden in zip(
        rows, suppress_partition([row["assessed"] for row in rows], min_group), strict=True
    ):
        row["suppressed"] = hidden


def apply_groups(rows: list[dict[str, Any]], min_group: int) -> None:
    """Mark overlapping groups (clusters) ``suppressed`` by rule 2 alone, in place."""
    for row in rows:
        row["suppressed"] = 0 < row["assessed"] < min_group
