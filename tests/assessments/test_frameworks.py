"""Framework versions as data: validated import, immutability beneath the ORM, round trip."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from assessments.models import Framework, FrameworkVersion
from assessments.services import frameworks as fw_services
from enterprises.errors import Conflict, ValidationFailed
from tests.assessments.helpers import FRAMEWORKS, MINIMAL_YAML, SHIPPED

pytestmark = pytest.mark.django_db


def test_both_shipped_frameworks_are_installed_and_published_by_migrate() -> None:
    for code in SHIPPED:
        version = FrameworkVersion.objects.latest_published(code)
        assert version is not None, code
        assert version.definition["code"] == code


def test_a_valid_document_imports_as_a_draft() -> None:
    version = fw_services.framework_import(source=MINIMAL_YAML)
    assert version.status == FrameworkVersion.Status.DRAFT
    assert version.framework.title == "测试框架"
    assert version.definition["levels"][0]["code"] == "L1"


def test_an_invalid_document_imports_nothing_and_names_every_path() -> None:
    broken = yaml.safe_load(MINIMAL_YAML)
    questions = broken["dimensions"][0]["questions"]
    questions[0]["options"][1]["value"] = "none"  # duplicate option value
    questions[1]["key"] = "q_net"  # duplicate question key
    with pytest.raises(ValidationFailed) as caught:
        fw_services.framework_import(source=yaml.safe_dump(broken, allow_unicode=True))
    paths = " ".join(caught.value.errors)
    assert "dimensions[0].questions[0].options" in paths
    assert "dimensions[0].questions[1]" in paths
    assert not Framework.objects.filter(code="test-fw").exists()


def test_malformed_yaml_is_reported_with_its_line() -> None:
    with pytest.raises(ValidationFailed) as caught:
        fw_services.framework_import(source="code: [unclosed\n")
    assert "line" in caught.value.errors["source"][0]


def test_the_same_version_twice_is_a_conflict() -> None:
    fw_services.framework_import(source=MINIMAL_YAML)
    with pytest.raises(Conflict):
        fw_services.framework_import(source=MINIMAL_YAML)
    assert FrameworkVersion.objects.filter(framework__code="test-fw").count() == 1


def test_versions_go_draft_published_retired_and_never_back() -> None:
    version = fw_services.framework_import(source=MINIMAL_YAML)
    fw_services.framework_version_publish(version=version)
    assert version.status == "published" and version.published_at is not None
    with pytest.raises(Conflict):
        fw_services.framework_version_publish(version=version)
    fw_services.framework_version_retire(version=version)
    assert version.status == "retired"
    with pytest.raises(Conflict):
        fw_services.framework_version_retire(version=version)


def test_a_draft_may_change_but_a_published_version_may_not() -> None:
    version = fw_services.framework_import(source=MINIMAL_YAML)
    changed = MINIMAL_YAML.replace("测试框架", "测试框架（修订）")
    fw_services.framework_version_update_draft(version=version, source=changed)
    assert version.definition["title"]["zh-hans"] == "测试框架（修订）"
    fw_services.framework_version_publish(version=version)
    with pytest.raises(Conflict):
        fw_services.framework_version_update_draft(version=version, source=MINIMAL_YAML)


def test_the_database_itself_refuses_to_change_a_published_version() -> None:
    version = fw_services.framework_import(source=MINIMAL_YAML, publish=True)
    with pytest.raises(DatabaseError), transaction.atomic():
        FrameworkVersion.objects.filter(pk=version.pk).update(definition={"tampered": True})
    with pytest.raises(DatabaseError), transaction.atomic():
        FrameworkVersion.objects.filter(pk=version.pk).update(status="draft")
    with pytest.raises(DatabaseError), transaction.atomic():
        FrameworkVersion.objects.filter(pk=version.pk).delete()
    version.refresh_from_db()
    assert version.definition["code"] == "test-fw"
    # Moving forward is allowed.
    FrameworkVersion.objects.filter(pk=version.pk).update(status="retired")


def test_a_draft_can_be_deleted() -> None:
    version = fw_services.framework_import(source=MINIMAL_YAML)
    FrameworkVersion.objects.filter(pk=version.pk).delete()
    assert not FrameworkVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.parametrize("code", SHIPPED)
def test_export_writes_the_same_yaml_back(code: str, tmp_path: Path) -> None:
    out = tmp_path / f"{code}.yaml"
    call_command("export_framework", code, "--output", str(out))
    original = (FRAMEWORKS / f"{code}.yaml").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == original
    assert yaml.safe_load(out.read_text(encoding="utf-8")) == yaml.safe_load(original)


def test_export_of_a_version_without_source_dumps_the_definition() -> None:
    version = fw_services.framework_import(source=MINIMAL_YAML)
    version.source = ""
    text = fw_services.framework_export(version=version)
    assert yaml.safe_load(text) == version.definition


def test_import_framework_command_imports_and_reports_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(MINIMAL_YAML, encoding="utf-8")
    out = StringIO()
    call_command("import_framework", str(good), "--publish", stdout=out)
    assert "test-fw 1 (published)" in out.getvalue()
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        MINIMAL_YAML.replace('version: "1"', 'version: "2"').replace("score: 2", "score: -1"),
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as caught:
        call_command("import_framework", str(bad))
    assert "dimensions[0]" in str(caught.value)
    assert not FrameworkVersion.objects.filter(version="2").exists()
