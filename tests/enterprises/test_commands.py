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
    counts = (Enterprise.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Enterprise.objects.count(), User.objects.count(), Membership.objects.count()) == counts
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
