"""Each supplier link's status (precedence, consent) and the bulk requirement checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Assessment, FrameworkVersion
from enterprises.models import SupplierLink
from reports import requirements
from reports.supply.facts import requirement_checks_for_links, supply_facts
from tests.conftest import Personas
from tests.factories import EnterpriseFactory
from tests.reports.conftest import BEST, LEVEL1, store_submitted
from tests.reports.supply_helpers import certify, draft_of, link, requirement

TODAY = dt.date(2026, 11, 26)


def a_check(*, met: bool, overdue: bool = False) -> requirements.Check:
    return requirements.Check(
        requirement_id=1,
        met=met,
        overdue=overdue,
        deadline=TODAY,
        days_left=-1 if overdue else 5,
        gaps=(),
    )


def status(link_status: str = "accepted", checks=(), **stages: bool) -> str:
    flags = {"drafting": False, "counted": False, "certified": False, **stages}
    return requirements.supply_status(link_status, checks=list(checks), **flags)


# ---- the rule, pure ----------------------------------------------------------------------


@pytest.mark.parametrize("link_status", ["invited", "declined", "revoked"])
def test_a_link_not_accepted_shows_only_its_own_status_whatever_the_supplier_did(
    link_status: str,
) -> None:
    assert (
        status(
            link_status,
            [a_check(met=False, overdue=True)],
            drafting=True,
            counted=True,
            certified=True,
        )
        == link_status
    )


def test_progress_climbs_from_accepted_to_certified() -> None:
    assert status() == "accepted"
    assert status(drafting=True) == "assessing"
    assert status(drafting=True, counted=True) == "submitted"
    assert status(counted=True, certified=True) == "certified"


def test_overdue_beats_everything_for_an_accepted_link() -> None:
    overdue = [a_check(met=True), a_check(met=False, overdue=True)]
    assert status(checks=overdue, certified=True, counted=True) == "overdue"


def test_meets_requirement_needs_every_applicable_requirement_met() -> None:
    assert status(checks=[a_check(met=True), a_check(met=True)]) == "meets_requirement"
    assert status(checks=[a_check(met=True), a_check(met=False)], certified=True) == "certified"
    assert status(checks=[]) == "accepted"  # no requirement: nothing to meet


# ---- from the database -------------------------------------------------------------------


@pytest.mark.django_db
def test_statuses_from_the_database_follow_the_rule(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    anchor = personas.anchor_enterprise
    SupplierLink.objects.filter(anchor=anchor).delete()
    made: dict[str, SupplierLink] = {}

    made["invited"] = link(anchor, status="invited")
    certify(store_submitted(made["invited"].supplier, BEST))
    made["declined"] = link(anchor, status="declined")
    certify(store_submitted(made["declined"].supplier, BEST))
    made["revoked"] = link(anchor, status="revoked")
    draft_of(made["revoked"].supplier)
    made["accepted"] = link(anchor)
    made["assessing"] = link(anchor)
    draft_of(made["assessing"].supplier)
    made["submitted"] = link(anchor)
    store_submitted(made["submitted"].supplier, BEST, status=Assessment.Status.PENDING_REVIEW)
    made["expired"] = link(anchor)
    certify(store_submitted(made["expired"].supplier, LEVEL1), days=-1)
    made["certified"] = link(anchor)
    certify(store_submitted(made["certified"].supplier, LEVEL1))
    # Tier 2 must reach L2 (not yet due); tier 3 had to reach L2 already.
    requirement(anchor, group="tier", tier=2, min_level="L2")
    requirement(anchor, group="tier", tier=3, min_level="L2", days=-1)
    made["meets"] = link(anchor, tier=2)
    store_submitted(made["meets"].supplier, BEST)
    made["short_of_it"] = link(anchor, tier=2)
    certify(store_submitted(made["short_of_it"].supplier, LEVEL1))
    made["overdue"] = link(anchor, tier=3)
    certify(store_submitted(made["overdue"].supplier, LEVEL1))
    made["overdue_but_declined"] = link(anchor, tier=3, status="declined")

    found = {f.id: f.status for f in supply_facts(SupplierLink.objects.filter(anchor=anchor)).links}
    got = {name: found[the_link.pk] for name, the_link in made.items()}
    assert got == {
        "invited": "invited",
        "declined": "declined",
        "revoked": "revoked",
        "accepted": "accepted",
        "assessing": "assessing",
        "submitted": "submitted",
        "expired": "submitted",
        "certified": "certified",
        "meets": "meets_requirement",
        "short_of_it": "certified",
        "overdue": "overdue",
        "overdue_but_declined": "declined",
    }


@pytest.mark.django_db
def test_with_a_requirement_progress_counts_only_its_framework(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    anchor = personas.anchor_enterprise
    the_link = link(anchor)
    certify(store_submitted(the_link.supplier, LEVEL1))  # certified on report-fw
    requirement(anchor, framework="sme-digital-level-2024", min_level="L1")
    [fact] = supply_facts(SupplierLink.objects.filter(pk=the_link.pk)).links
    assert fact.status == "accepted"  # nothing yet on the framework it must reach
    draft_of(the_link.supplier, "sme-digital-level-2024")
    [fact] = supply_facts(SupplierLink.objects.filter(pk=the_link.pk)).links
    assert fact.status == "assessing"


@pytest.mark.django_db
def test_a_level_awaiting_review_does_not_meet_a_requirement(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    anchor = personas.anchor_enterprise
    the_link = link(anchor)
    requirement(anchor, min_level="L2")
    store_submitted(the_link.supplier, LEVEL1)
    store_submitted(the_link.supplier, BEST, status=Assessment.Status.PENDING_REVIEW)
    checks = requirement_checks_for_links(SupplierLink.objects.filter(pk=the_link.pk))
    [(_r, check)] = checks[the_link.pk]
    assert not check.met
    assert check.gaps == (requirements.Gap("level", "L2", "L1"),)


@pytest.mark.django_db
def test_bulk_checks_follow_consent_for_the_anchor_and_the_supplier(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    anchor = personas.anchor_enterprise
    SupplierLink.objects.filter(anchor=anchor).delete()
    requirement(anchor, min_level="L1")
    links = {s: link(anchor, status=s) for s in ("invited", "accepted", "declined", "revoked")}
    for the_link in links.values():
        store_submitted(the_link.supplier, LEVEL1)
    every = SupplierLink.objects.filter(anchor=anchor)
    for_anchor = requirement_checks_for_links(every)
    assert set(for_anchor) == {links["accepted"].pk}
    for_supplier = requirement_checks_for_links(every, audience="supplier")
    assert set(for_supplier) == {links["accepted"].pk, links["invited"].pk}
    assert all(check.met for found in for_supplier.values() for _r, check in found)
    # A plain list of links works too (the ids are used), with a given day.
    later = requirement_checks_for_links(list(every), dt.date(2099, 1, 1))
    [(_r, check)] = later[links["accepted"].pk]
    assert check.met and check.days_left < 0 and not check.overdue


@pytest.mark.django_db
def test_the_bulk_loader_does_a_fixed_number_of_queries(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    anchor = personas.anchor_enterprise
    requirement(anchor, min_level="L1")
    requirement(anchor, group="tier", tier=2, min_level="L2", min_dimension_percents={"data": 50})

    def add(n: int) -> None:
        for i in range(n):
            the_link = link(anchor, EnterpriseFactory(), tier=1 + i % 2, status="accepted")
            store_submitted(the_link.supplier, LEVEL1 if i % 3 else BEST)
            if i % 4 == 0:
                draft_of(the_link.supplier)
            link(anchor, status="declined")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            found = supply_facts(SupplierLink.objects.filter(anchor=anchor))
        assert any(f.checks for f in found.links)
        return len(ctx.captured_queries)

    add(2)
    count()
    few = count()
    add(12)
    assert count() == few <= 6
