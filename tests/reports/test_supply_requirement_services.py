"""supply_requirement_create / update / delete: what a valid requirement is, and errors
that name every bad field at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from assessments.models import FrameworkVersion
from assessments.services import frameworks as fw_services
from enterprises.errors import ValidationFailed
from reports.models import SupplyRequirement
from reports.services import requirements as services
from tests.assessments.helpers import MINIMAL_YAML
from tests.conftest import Personas
from tests.reports.supply_helpers import requirement

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + dt.timedelta(days=60)


def errors_of(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        services.supply_requirement_create(**kwargs)
    return caught.value.errors


def test_a_requirement_for_all_suppliers_is_saved_with_its_dimension_minimums(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    found = services.supply_requirement_create(
        anchor=personas.anchor_enterprise,
        framework="report-fw",
        min_level="L2",
        deadline=SOON,
        min_dimension_percents={"data": "62.5", "equip": 50},
        note="  请年底前完成  ",
        user=personas.anchor,
    )
    found.refresh_from_db()
    assert (found.group, found.tier, found.tag) == ("all", None, "")
    assert found.framework.code == "report-fw" and found.min_level_code == "L2"
    assert found.min_dimension_percents == {"data": 62.5, "equip": 50}
    assert found.note == "请年底前完成" and found.created_by == personas.anchor


def test_every_bad_field_is_named_at_once(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    errors = errors_of(
        anchor=personas.anchor_enterprise,
        framework="report-fw",
        min_level="L9",
        deadline=timezone.localdate() - dt.timedelta(days=1),
        group="tier",
        tier=0,
        min_dimension_percents={"data": 101, "scenes": 10, "nope": 5, "people": "abc"},
    )
    assert set(errors) == {
        "min_level",
        "deadline",
        "tier",
        "min_dimension_percents.data",
        "min_dimension_percents.scenes",  # carries no points: no percent to require
        "min_dimension_percents.nope",
        "min_dimension_percents.people",
    }


def test_an_unknown_or_unpublished_framework_is_refused(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    for code in ("no-such-framework", "", None):
        errors = errors_of(
            anchor=personas.anchor_enterprise, framework=code, min_level="L1", deadline=SOON
        )
        assert "framework" in errors
    fw_services.framework_import(source=MINIMAL_YAML, publish=False)  # test-fw, a draft
    errors = errors_of(
        anchor=personas.anchor_enterprise, framework="test-fw", min_level="L1", deadline=SOON
    )
    assert list(errors) == ["framework"]


def test_a_level_of_another_framework_is_refused(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    errors = errors_of(
        anchor=personas.anchor_enterprise,
        framework="sme-digital-level-2024",
        min_level="L2x",
        deadline=SOON,
    )
    assert list(errors) == ["min_level"]
    found = services.supply_requirement_create(
        anchor=personas.anchor_enterprise,
        framework="smart-factory-gradient",
        min_level="advanced",
        deadline=SOON,
    )
    assert found.min_level_code == "advanced"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"group": "tag"}, "tag"),
        ({"group": "tag", "tag": "   "}, "tag"),
        ({"group": "tag", "tag": "x" * 51}, "tag"),
        ({"group": "tier"}, "tier"),
        ({"group": "tier", "tier": True}, "tier"),
        ({"group": "all", "tier": 2}, "tier"),
        ({"group": "all", "tag": "电机"}, "tag"),
        ({"group": "everyone"}, "group"),
        ({"deadline": "2030-01-01"}, "deadline"),
        ({"deadline": dt.datetime(2030, 1, 1)}, "deadline"),
        ({"min_dimension_percents": [1, 2]}, "min_dimension_percents"),
        ({"note": "长" * 2001}, "note"),
    ],
)
def test_a_group_needs_its_tier_or_tag_and_fields_have_their_types(
    personas: Personas, report_framework: FrameworkVersion, fields: dict, field: str
) -> None:
    kwargs = {
        "anchor": personas.anchor_enterprise,
        "framework": "report-fw",
        "min_level": "L1",
        "deadline": SOON,
        **fields,
    }
    assert list(errors_of(**kwargs)) == [field]
    assert not SupplyRequirement.objects.exists()


def test_a_tag_requirement_keeps_its_stripped_tag(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    found = requirement(personas.anchor_enterprise, group="tag", tag=" 电机 ")
    assert (found.group, found.tag, found.tier) == ("tag", "电机", None)


def test_an_update_changes_only_what_is_given_and_drops_what_the_group_no_longer_takes(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    found = requirement(personas.anchor_enterprise, group="tier", tier=2, note="原说明")
    found = services.supply_requirement_update(requirement=found, min_level="L2")
    assert (found.group, found.tier, found.min_level_code, found.note) == (
        "tier",
        2,
        "L2",
        "原说明",
    )
    found = services.supply_requirement_update(requirement=found, group="tag", tag="核心")
    assert (found.group, found.tier, found.tag) == ("tag", None, "核心")
    found = services.supply_requirement_update(requirement=found, group="all")
    found.refresh_from_db()
    assert (found.group, found.tier, found.tag) == ("all", None, "")


def test_a_new_framework_needs_a_level_and_dimensions_of_its_own(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    found = requirement(personas.anchor_enterprise, min_dimension_percents={"data": 50})
    with pytest.raises(ValidationFailed) as caught:
        services.supply_requirement_update(requirement=found, framework="smart-factory-gradient")
    assert set(caught.value.errors) == {"min_level", "min_dimension_percents.data"}
    found.refresh_from_db()
    assert found.framework.code == "report-fw"
    changed = services.supply_requirement_update(
        requirement=found,
        framework="smart-factory-gradient",
        min_level="excellent",
        min_dimension_percents={"digital": 40},
    )
    assert changed.framework.code == "smart-factory-gradient"
    assert changed.min_dimension_percents == {"digital": 40}


def test_a_passed_deadline_may_stay_but_a_new_one_cannot_be_in_the_past(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    found = requirement(personas.anchor_enterprise, days=-10)
    kept = services.supply_requirement_update(requirement=found, note="仍然有效")
    assert kept.deadline < timezone.localdate()
    with pytest.raises(ValidationFailed) as caught:
        services.supply_requirement_update(
            requirement=found, deadline=timezone.localdate() - dt.timedelta(days=3)
        )
    assert list(caught.value.errors) == ["deadline"]


def test_delete_removes_the_requirement(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    found = requirement(personas.anchor_enterprise)
    services.supply_requirement_delete(requirement=found)
    assert not SupplyRequirement.objects.exists()
