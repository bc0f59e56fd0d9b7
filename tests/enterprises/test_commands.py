"""Provisioning commands exactly as API.md lists them, and idempotent demo data."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from enterprises.models import Assessor, BureauScope, Enterprise, Membership, User

pytestmark = pytest.mark.django_db


def test_create_bureau_officer_with_regions_and_clusters() -> None:
    out = StringIO()
    call_command(
        "create_bureau_officer",
        "sz-officer",
        "--password",
        "pw-Gradient-2026",
        "--region",
        "320500",
        "--region",
        "320200",
        "--cluster",
        "iot",
        stdout=out,
    )
    scope = BureauScope.objects.get(user__username="sz-officer")
    assert sorted(scope.regions.values_list("code", flat=True)) == ["320200", "320500"]
    assert list(scope.clusters.values_list("code", flat=True)) == ["iot"]
    assert User.objects.get(username="sz-officer").check_password("pw-Gradient-2026")


def test_create_bureau_officer_rejects_an_unknown_region() -> None:
    with pytest.raises(CommandError, match="999900"):
        call_command("create_bureau_officer", "x", "--password", "p", "--region", "999900")
    assert not User.objects.filter(username="x").exists()


def test_create_assessor() -> None:
    call_command(
        "create_assessor",
        "a1",
        "--password",
        "pw-Gradient-2026",
        "--organisation",
        "诊断中心",
        stdout=StringIO(),
    )
    assert Assessor.objects.get(user__username="a1").organisation.name == "诊断中心"


def test_seed_demo_is_idempotent_and_prints_the_accounts() -> None:
    first = StringIO()
    call_command("seed_demo", stdout=first)
    from assessments.models import Assessment
    from reports.models import Certificate

    def counts() -> tuple[int, ...]:
        return tuple(
            m.objects.count() for m in (Enterprise, User, Membership, Assessment, Certificate)
        )

    first_counts = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first_counts
    # A certified result and an open draft for the demo enterprise.
    demo = Enterprise.objects.get(memberships__user__username="demo-admin")
    statuses = sorted(Assessment.objects.filter(enterprise=demo).values_list("status", flat=True))
    assert statuses == ["draft", "submitted"]
    assert Certificate.objects.filter(enterprise=demo).exists()
    text = first.getvalue()
    for username in (
        "demo-admin",
        "demo-viewer",
        "demo-anchor",
        "demo-officer",
        "demo-assessor",
        "admin",
    ):
        assert username in text
    assert User.objects.get(username="demo-admin").check_password("gradient-demo-2026")
