"""The pure requirement check: attested levels only, dimension minimums, deadlines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from reports import requirements

RANKS = {"L1": 1, "L2": 2, "L3": 3}
TODAY = dt.date(2026, 11, 26)


def requirement(**overrides):
    fields = {
        "pk": 7,
        "group": "all",
        "tier": None,
        "tag": "",
        "min_level_code": "L2",
        "min_dimension_percents": {},
        "deadline": dt.date(2026, 12, 31),
    }
    fields.update(overrides)
    return SimpleNamespace(**fields)


def test_a_requirement_for_all_applies_to_every_tier_and_tag() -> None:
    assert requirements.applies(requirement(), tier=3, tags=[])


def test_a_tier_requirement_applies_only_to_that_tier() -> None:
    req = requirement(group="tier", tier=2)
    assert requirements.applies(req, tier=2, tags=[])
    assert not requirements.applies(req, tier=1, tags=[])


def test_a_tag_requirement_applies_only_to_tagged_suppliers() -> None:
    req = requirement(group="tag", tag="电机")
    assert requirements.applies(req, tier=1, tags=["电机", "核心"])
    assert not requirements.applies(req, tier=1, tags=["核心"])


def test_a_level_awaiting_review_is_not_attested() -> None:
    assert requirements.attested_level("pending_review", "L3", "") is None
    assert requirements.attested_level("draft", "L3", "") is None
    assert requirements.attested_level("submitted", "L1", "") == "L1"
    assert requirements.attested_level("confirmed", "L3", "L2") == "L2"


def test_no_assessment_is_a_gap_and_not_overdue_before_the_deadline() -> None:
    found = requirements.check(
        requirement(), level_ranks=RANKS, level=None, percents=None, today=TODAY
    )
    assert not found.met
    assert not found.overdue
    assert found.days_left == 35
    assert [gap.kind for gap in found.gaps] == ["assessment"]


def test_a_level_at_or_above_the_minimum_meets_it() -> None:
    for level in ("L2", "L3"):
        found = requirements.check(
            requirement(), level_ranks=RANKS, level=level, percents={}, today=TODAY
        )
        assert found.met and found.gaps == ()


def test_a_lower_level_after_the_deadline_is_overdue_with_the_level_gap() -> None:
    found = requirements.check(
        requirement(deadline=dt.date(2026, 11, 1)),
        level_ranks=RANKS,
        level="L1",
        percents={},
        today=TODAY,
    )
    assert found.overdue and found.days_left == -25
    assert found.gaps == (requirements.Gap("level", "L2", "L1"),)


def test_dimension_minimums_are_checked_as_percents() -> None:
    req = requirement(min_dimension_percents={"digital": 60, "network": 50})
    percents = requirements.dimension_percents(
        {
            "dimensions": [
                {"key": "digital", "score": "150", "max": "250"},
                {"key": "network", "score": "100", "max": "250"},
            ]
        }
    )
    assert percents == {"digital": Decimal("60.0"), "network": Decimal("40.0")}
    found = requirements.check(req, level_ranks=RANKS, level="L3", percents=percents, today=TODAY)
    assert not found.met
    assert found.gaps == (requirements.Gap("dimension", Decimal("50"), Decimal("40.0"), "network"),)
