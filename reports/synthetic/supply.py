"""Supplier trees of the synthetic anchor firms: tier-1 links to suppliers that buy into
the anchor's industry (nearby ones more often), tier-2 links under some accepted tier-1
links, a few invitations to firms that never registered; consent states as the supply
services leave them (mostly accepted, some invited, declined or revoked)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from enterprises.models import Enterprise, SupplierLink
from reports.models import SupplyRequirement

from . import profile
from .history import FrameworkInfo, Timeline, encode_json
from .population import UNREGISTERED_TAG, EnterpriseProfile, Population, synthetic_uscc
from .writer import TableRows, reserve_ids

LINK_FIELDS = (
    "id",
    "anchor",
    "supplier",
    "supplier_uscc",
    "supplier_name",
    "contact_email",
    "status",
    "tier",
    "parent",
    "tags",
    "created_at",
    "updated_at",
    "consented_at",
)
TIER1_MEDIAN = 25
TIER1_RANGE = (3, 120)
TIER2_SHARE = 0.35  # of accepted tier-1 links, that list suppliers of their own
TIER2_RANGE = (1, 4)
UNREGISTERED_SHARE = 0.08  # of tier-1 links, invitations to firms not (yet) registered
CONSENT_WEIGHTS = {
    SupplierLink.Status.ACCEPTED: 78,
    SupplierLink.Status.INVITED: 10,
    SupplierLink.Status.DECLINED: 5,
    SupplierLink.Status.REVOKED: 7,
}
TAG_COUNT_WEIGHTS = (40, 45, 15)  # zero, one or two tags

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass
class _Link:
    supplier: EnterpriseProfile | None  # None: not registered
    uscc: str
    name: str
    tier: int
    parent: int | None  # position of the parent link in the tree
    status: str
    tags: list[str]


def _base31(number: int, width: int = 6) -> str:
    digits = []
    for _ in range(width):
        number, rest = divmod(number, 31)
        digits.append(_USCC_ALPHABET[rest])
    return "".join(reversed(digits))


def _affinity(buyer: EnterpriseProfile, candidate: EnterpriseProfile) -> float:
    """How likely ``buyer`` buys from ``candidate``: related industry, shared cluster,
    same city; other anchors and large firms less often."""
    related = candidate.industry in profile.SUPPLIER_INDUSTRIES.get(
        buyer.industry, (buyer.industry,)
    ) or bool(set(buyer.clusters) & set(candidate.clusters))
    chance = 0.1 + 0.55 * related + 0.25 * (candidate.region[:4] == buyer.region[:4])
    if candidate.anchor:
        chance *= 0.3
    elif candidate.size_class == "large":
        chance *= 0.6
    return chance


def _pick(
    population: Population,
    buyer: EnterpriseProfile,
    count: int,
    size: int,
    taken: set[int],
    rng: random.Random,
) -> list[EnterpriseProfile]:
    picked: list[EnterpriseProfile] = []
    for _attempt in range(30 * count):
        if len(picked) == count:
            break
        index = rng.randrange(size)
        if index in taken:
            continue
        candidate = population.enterprise(index)
        if rng.random() < _affinity(buyer, candidate):
            taken.add(index)
            picked.append(candidate)
    return picked


def _status(rng: random.Random) -> str:
    return rng.choices(list(CONSENT_WEIGHTS), weights=list(CONSENT_WEIGHTS.values()))[0]


def _tags(rng: random.Random) -> list[str]:
    count = rng.choices(range(3), weights=TAG_COUNT_WEIGHTS)[0]
    return rng.sample(profile.SUPPLIER_TAGS, count)


def supplier_tree(population: Population, anchor: EnterpriseProfile, size: int) -> list[_Link]:
    """The planned links of one anchor (tier-1 first, then tier-2 with their parent)."""
    rng = population.rng("suppliers", anchor.index)
    wanted = int(rng.lognormvariate(math.log(TIER1_MEDIAN), 0.6))
    wanted = min(max(wanted, TIER1_RANGE[0]), TIER1_RANGE[1], (size - 1) // 2)
    taken = {anchor.index}
    links = [
        _Link(s, s.uscc, s.name, 1, None, _status(rng), _tags(rng))
        for s in _pick(population, anchor, wanted, size, taken, rng)
    ]
    anchor_no = anchor.index // profile.ANCHOR_EVERY
    for n in range(sum(rng.random() < UNREGISTERED_SHARE for _ in range(wanted))):
        region = rng.choice(tuple(population.regions))
        serial = _base31(anchor_no * 1000 + n)
        uscc = synthetic_uscc(region, serial, tag=UNREGISTERED_TAG)
        name = population.company_name(rng, region, anchor.industry, "small")
        links.append(_Link(None, uscc, name, 1, None, SupplierLink.Status.INVITED, _tags(rng)))
    for position in range(len(links)):
        parent = links[position]
        if parent.supplier is None or parent.status != SupplierLink.Status.ACCEPTED:
            continue
        if rng.random() >= TIER2_SHARE:
            continue
        count = rng.randint(*TIER2_RANGE)
        for s in _pick(population, parent.supplier, count, size, taken, rng):
            links.append(_Link(s, s.uscc, s.name, 2, position, _status(rng), _tags(rng)))
    return links


def supplier_tree_rows(
    population: Population,
    anchor_indices: range,
    size: int,
    timeline: Timeline,
) -> TableRows:
    """The SupplierLink rows of a group of anchors. Reads the ids and registration times
    of the enterprises involved in one query; reserves the links' ids. Call inside the
    transaction that writes the rows."""
    trees = []
    for index in anchor_indices:
        anchor = population.enterprise(index)
        trees.append((anchor, supplier_tree(population, anchor, size)))
    codes = {anchor.uscc for anchor, _links in trees}
    codes |= {link.uscc for _a, links in trees for link in links if link.supplier}
    known = {
        uscc: (pk, created)
        for uscc, pk, created in Enterprise.objects.filter(uscc__in=codes).values_list(
            "uscc", "pk", "created_at"
        )
    }
    rows = TableRows(SupplierLink, LINK_FIELDS)
    ids = iter(reserve_ids(SupplierLink, sum(len(links) for _a, links in trees)))
    end = timeline.as_of - timedelta(minutes=1)
    for anchor, links in trees:
        rng = population.rng("supplier-times", anchor.index)
        anchor_id, anchor_created = known[anchor.uscc]
        link_ids = [next(ids) for _ in links]
        created_at: list[datetime] = []
        for n, link in enumerate(links):
            earliest = anchor_created if link.parent is None else created_at[link.parent]
            created = min(end, earliest + (end - earliest) * rng.uniform(0.0, 0.6))
            created_at.append(created)
            # Consent (or refusal) comes after the supplier registered.
            registered = known[link.uscc][1] if link.supplier else created
            later = min(end, max(created, registered) + timedelta(days=rng.uniform(1, 30)))
            consented = None
            updated = created
            if link.status in (SupplierLink.Status.ACCEPTED, SupplierLink.Status.REVOKED):
                consented = updated = later
                if link.status == SupplierLink.Status.REVOKED:
                    updated = min(end, later + (end - later) * rng.random())
            elif link.status == SupplierLink.Status.DECLINED:
                updated = later
            rows.add(
                (
                    link_ids[n],
                    anchor_id,
                    known[link.uscc][0] if link.supplier else None,
                    link.uscc,
                    link.name,
                    "" if link.supplier else f"procurement-{link.uscc[8:16].lower()}@example.com",
                    link.status,
                    link.tier,
                    link_ids[link.parent] if link.parent is not None else None,
                    encode_json(link.tags),
                    created,
                    updated,
                    consented,
                )
            )
    return rows


REQUIREMENT_FIELDS = (
    "id",
    "anchor",
    "group",
    "tier",
    "tag",
    "framework",
    "min_level_code",
    "min_dimension_percents",
    "deadline",
    "note",
    "created_at",
    "updated_at",
)
# Anchors asking something of their suppliers, and what (shares of all anchors).
REQUIRE_ALL_SHARE = 0.75  # every supplier at the first level
REQUIRE_TIER1_SHARE = 0.35  # tier 1 at the second level
REQUIRE_TAG_SHARE = 0.20  # suppliers with a key tag at the second level
DIMENSION_MINIMUM_SHARE = 0.5  # of tag requirements, with minimum dimension scores
KEY_TAGS = profile.SUPPLIER_TAGS[:3]
DEADLINE_DAYS = (-120, 540)  # around as_of: some passed, most ahead


@dataclass
class _Requirement:
    group: str
    tier: int | None
    tag: str
    framework: FrameworkInfo
    level: str
    dimensions: dict[str, int]
    deadline: date


def requirements_of(
    population: Population,
    anchor: EnterpriseProfile,
    frameworks: dict[str, FrameworkInfo],
    as_of: date,
) -> list[_Requirement]:
    """What one anchor requires of its suppliers: mostly the first level of one framework
    from every supplier, often the second level from tier 1 or from key suppliers (some
    with minimum dimension scores), each with a deadline around ``as_of``."""
    rng = population.rng("requirements", anchor.index)
    info = frameworks[rng.choice(sorted(frameworks))]
    levels = info.level_codes
    upper = levels[min(1, len(levels) - 1)]

    def deadline() -> date:
        return as_of + timedelta(days=rng.randint(*DEADLINE_DAYS))

    found = []
    if rng.random() < REQUIRE_ALL_SHARE:
        found.append(_Requirement("all", None, "", info, levels[0], {}, deadline()))
    if rng.random() < REQUIRE_TIER1_SHARE:
        found.append(_Requirement("tier", 1, "", info, upper, {}, deadline()))
    if rng.random() < REQUIRE_TAG_SHARE:
        dimensions: dict[str, int] = {}
        if rng.random() < DIMENSION_MINIMUM_SHARE:
            scored = [d.key for d in info.fw.dimensions if d.maximum > 0]
            for key in rng.sample(scored, min(len(scored), rng.randint(1, 2))):
                dimensions[key] = 5 * rng.randint(8, 14)  # 40 % to 70 %
        tag = rng.choice(KEY_TAGS)
        found.append(_Requirement("tag", None, tag, info, upper, dimensions, deadline()))
    return found


def requirement_rows(
    population: Population,
    anchor_indices: range,
    frameworks: dict[str, FrameworkInfo],
    timeline: Timeline,
) -> TableRows:
    """The SupplyRequirement rows of a group of anchors (one query for their ids; the
    ids of the rows are reserved). Call inside the transaction that writes the rows."""
    anchors = [population.enterprise(index) for index in anchor_indices]
    known = dict(
        Enterprise.objects.filter(uscc__in=[a.uscc for a in anchors]).values_list("uscc", "pk")
    )
    as_of = timeline.as_of.date()
    planned = [(a, r) for a in anchors for r in requirements_of(population, a, frameworks, as_of)]
    rows = TableRows(SupplyRequirement, REQUIREMENT_FIELDS)
    for pk, (anchor, req) in zip(
        reserve_ids(SupplyRequirement, len(planned)), planned, strict=True
    ):
        created = timeline.as_of - timedelta(days=max(1, (as_of - req.deadline).days + 180))
        rows.add(
            (
                pk,
                known[anchor.uscc],
                req.group,
                req.tier,
                req.tag,
                req.framework.framework_id,
                req.level,
                encode_json(req.dimensions),
                req.deadline,
                "",
                created,
                created,
            )
        )
    return rows
