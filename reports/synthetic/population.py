"""Who the synthetic enterprises are: region, industry, size, clusters, name and USCC of
the n-th enterprise of a seeded population, computed from (seed, n) alone.

Because any enterprise can be recomputed from its number, nothing about the population
is kept in memory: a batch computes its own enterprises, and the supplier trees look up
the suppliers they pick by recomputing their USCCs.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from stdnum.cn import uscc as stdnum_uscc

from enterprises.services import size_class_for

from . import profile

# The organisation-code part (characters 9-17) of a synthetic USCC starts with this tag.
# Codes issued since 2015 start with MA and older ones are digits (GB 11714), so no
# registered enterprise carries it; it is how synthetic enterprises are found again.
SYNTHETIC_TAG = "YX"
# Invitations to suppliers that never registered use this tag, so their codes can never
# be those of a synthetic enterprise.
UNREGISTERED_TAG = "YW"
MAX_ENTERPRISES = 1_000_000  # six digits of serial after the tag

_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_check(body: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, _GB11714_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def synthetic_uscc(region_code: str, serial: int | str, tag: str = SYNTHETIC_TAG) -> str:
    """A valid USCC: 9 (industry and commerce) 1 (enterprise), the region, the
    organisation code `tag` + six-character serial with its GB 11714 check, and the
    USCC check."""
    organisation = f"{tag}{serial:06d}" if isinstance(serial, int) else f"{tag}{serial}"
    body = f"91{region_code}{organisation}{organisation_check(organisation)}"
    return body + stdnum_uscc.calc_check_digit(body)


class WeightedChoice:
    """Draws from fixed weights in O(log n) (random.choices recomputes its cumulative
    weights on every call)."""

    def __init__(self, items: Sequence[str], weights: Sequence[float]) -> None:
        self.items = tuple(items)
        self.cumulative = tuple(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random) -> str:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    city: str


@dataclass(frozen=True, slots=True)
class EnterpriseProfile:
    """The n-th enterprise of a population. ``maturity`` (0-1) sets how digital it is,
    ``growth`` how fast it improves per quarter; ``participation`` how keen it is on
    assessments (0: registered, never assessed)."""

    index: int
    region: str
    industry: str
    size_class: str
    employees: int
    revenue_10k_yuan: Decimal
    name: str
    uscc: str
    clusters: tuple[str, ...]
    anchor: bool
    maturity: float
    growth: float
    participation: float

    @property
    def above_designated_size(self) -> bool:
        """规模以上: annual revenue of 20 million yuan or more."""
        return self.revenue_10k_yuan >= 2000

    @property
    def industry_type(self) -> str:
        if self.industry in profile.PROCESS_INDUSTRIES:
            return "process"
        if self.industry in profile.MIXED_INDUSTRIES:
            return "mixed"
        return "discrete"


# Employees and revenue (10,000 yuan) boxes per size class, inside the 2017 statistical
# thresholds that enterprises.services.size_class_for applies; log-uniform inside a box.
_SIZE_BOXES: dict[str, tuple[tuple[int, int], tuple[float, float]]] = {
    "micro": ((3, 19), (20.0, 299.0)),
    "small": ((20, 299), (300.0, 1999.0)),
    "medium": ((300, 999), (2000.0, 39999.0)),
    "large": ((1000, 20000), (40000.0, 2_000_000.0)),
    "anchor": ((2000, 60000), (200_000.0, 8_000_000.0)),
}
# Beta(a, b) of maturity per size class: bigger firms are further along.
_MATURITY: dict[str, tuple[float, float]] = {
    "micro": (2.0, 3.4),
    "small": (2.4, 3.1),
    "medium": (3.0, 2.8),
    "large": (3.6, 2.4),
    "anchor": (4.5, 2.1),
}
# How often a firm of each size assesses, relative to a small firm.
_PARTICIPATION = {"micro": 0.8, "small": 1.0, "medium": 1.2, "large": 1.4, "anchor": 1.6}
NEVER_ASSESSED_SHARE = 0.12


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


class Population:
    """A seeded population over Jiangsu's county-level regions.

    ``regions`` are the district-level rows of the Region table (code, name, city code).
    Everything else comes from reports.synthetic.profile.
    """

    def __init__(self, seed: int, regions: Sequence[Region]) -> None:
        self.seed = seed
        self.regions = {r.code: r for r in sorted(regions, key=lambda r: r.code)}
        codes, weights = [], []
        by_city: dict[str, list[Region]] = {}
        for region in self.regions.values():
            by_city.setdefault(region.city, []).append(region)
        for city, members in sorted(by_city.items()):
            city_weight = profile.CITY_WEIGHTS.get(city, 0.0)
            shares = [profile.DISTRICT_WEIGHTS.get(r.code, 1.0) for r in members]
            for region, share in zip(members, shares, strict=True):
                codes.append(region.code)
                weights.append(city_weight * share / sum(shares))
        if not codes or not sum(weights):
            raise ValueError("No Jiangsu county-level regions: load the reference data first.")
        self._region_choice = WeightedChoice(codes, weights)
        self._industry_choices: dict[str, WeightedChoice] = {}
        self._size_choice = WeightedChoice(
            list(profile.SIZE_WEIGHTS), list(profile.SIZE_WEIGHTS.values())
        )
        self._anchor_industry = WeightedChoice(
            list(profile.ANCHOR_INDUSTRIES), list(profile.ANCHOR_INDUSTRIES.values())
        )

    def rng(self, purpose: str, index: int) -> random.Random:
        """An independent, reproducible stream per (seed, purpose, index)."""
        return random.Random(f"{self.seed}:{purpose}:{index}")

    def _industry_choice(self, region: str) -> WeightedChoice:
        choice = self._industry_choices.get(region)
        if choice is None:
            weights = dict(profile.INDUSTRY_WEIGHTS)
            for prefix in (region[:4], region):
                for industry, factor in profile.INDUSTRY_FACTORS.get(prefix, {}).items():
                    weights[industry] *= factor
            choice = self._industry_choices[region] = WeightedChoice(
                list(weights), list(weights.values())
            )
        return choice

    def _clusters(self, rng: random.Random, industry: str, region: str) -> tuple[str, ...]:
        chosen = []
        for cluster, chance in profile.CLUSTER_CHANCES.get(industry, {}).items():
            factors = profile.CLUSTER_FACTORS.get(cluster, {})
            chance *= factors.get(region, 1.0) * factors.get(region[:4], 1.0)
            if rng.random() < min(chance, 0.9):
                chosen.append(cluster)
        return tuple(chosen)

    def company_name(self, rng: random.Random, region: str, industry: str, size: str) -> str:
        place = profile.CITY_SHORT_NAMES[self.regions[region].city]
        local = self.regions[region].name
        county_level = region[4] in "28"  # 2x counties, 8x county-level cities
        if (county_level and rng.random() < 0.6) or (not county_level and rng.random() < 0.15):
            place = local[:-1] if len(local) > 2 else local
        brand = "".join(rng.sample(profile.BRAND_CHARACTERS, 2))
        word = rng.choice(profile.INDUSTRY_WORDS[industry])
        tech = "科技" if rng.random() < 0.25 and not word.endswith("科技") else ""
        suffixes = profile.NAME_SUFFIXES[size]
        suffix = rng.choices([s for s, _w in suffixes], weights=[w for _s, w in suffixes])[0]
        return f"{place}{brand}{word}{tech}{suffix}"

    def enterprise(self, index: int) -> EnterpriseProfile:
        """The ``index``-th enterprise (0-based). Precondition: index < MAX_ENTERPRISES."""
        rng = self.rng("enterprise", index)
        anchor = index % profile.ANCHOR_EVERY == 0
        region = self._region_choice.draw(rng)
        if anchor:
            industry = self._anchor_industry.draw(rng)
            box = "anchor"
        else:
            industry = self._industry_choice(region).draw(rng)
            box = self._size_choice.draw(rng)
        (low_staff, high_staff), (low_revenue, high_revenue) = _SIZE_BOXES[box]
        employees = int(_log_uniform(rng, low_staff, high_staff + 1))
        employees = min(max(employees, low_staff), high_staff)
        revenue = Decimal(f"{_log_uniform(rng, low_revenue, high_revenue):.2f}")
        size_class = str(size_class_for(employees=employees, revenue_10k_yuan=revenue))
        a, b = _MATURITY[box]
        never = not anchor and rng.random() < NEVER_ASSESSED_SHARE
        return EnterpriseProfile(
            index=index,
            region=region,
            industry=industry,
            size_class=size_class,
            employees=employees,
            revenue_10k_yuan=revenue,
            name=self.company_name(rng, region, industry, size_class),
            uscc=synthetic_uscc(region, index),
            clusters=self._clusters(rng, industry, region),
            anchor=anchor,
            maturity=rng.betavariate(a, b),
            growth=rng.uniform(0.003, 0.02),
            participation=0.0 if never else _PARTICIPATION[box] * rng.gammavariate(2.0, 0.5),
        )


def allocate(weights: Sequence[float], quota: int, cap: int) -> list[int]:
    """Split ``quota`` into whole numbers proportional to ``weights``, none above ``cap``
    (largest remainders first, ties to the lower index). Zero weights get nothing unless
    every weight is zero, when the split is even. Precondition: quota <= cap * len."""
    count = len(weights)
    if not count or quota <= 0:
        return [0] * count
    if not any(weights):
        weights = [1.0] * count
    result = [0] * count
    remaining = quota
    open_ = [i for i in range(count) if weights[i] > 0]
    while remaining > 0 and open_:
        total = sum(weights[i] for i in open_)
        shares = {i: remaining * weights[i] / total for i in open_}
        given = 0
        for i in open_:
            take = min(cap - result[i], int(shares[i]))
            result[i] += take
            given += take
        left = remaining - given
        by_remainder = sorted(open_, key=lambda i: (-(shares[i] - int(shares[i])), i))
        for i in by_remainder:
            if left == 0:
                break
            if result[i] < cap:
                result[i] += 1
                left -= 1
        remaining = left
        open_ = [i for i in open_ if result[i] < cap]
    if remaining:  # every weighted enterprise is at the cap: spread over the others
        for i in range(count):
            while remaining and result[i] < cap:
                result[i] += 1
                remaining -= 1
    return result
