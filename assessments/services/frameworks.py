"""Framework versions: import (validated), publish, retire, export, and the shipped files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Framework, FrameworkVersion
from assessments.scoring import validate_definition
from enterprises.errors import Conflict, ValidationFailed

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "frameworks"
SHIPPED_FILES = ["sme-digital-level-2024.yaml", "smart-factory-gradient.yaml"]


def parse_and_validate(source: str) -> dict[str, Any]:
    """The parsed document, or ValidationFailed naming every problem by its path."""
    try:
        doc = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ValidationFailed(
            _("The file is not valid YAML."), errors={"source": [f"{exc}{where}"]}
        ) from exc
    if not isinstance(doc, dict):
        raise ValidationFailed(
            _("The file is not a framework document."),
            errors={"source": [_("The top level must be a mapping.")]},
        )
    problems = validate_definition(doc)
    if problems:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            path, sep, message = problem.partition(": ")
            if not sep:
                path, message = "definition", problem
            errors.setdefault(path or "definition", []).append(message)
        raise ValidationFailed(
            _("The framework has %(count)d problem(s); nothing was imported.")
            % {"count": len(problems)},
            errors=errors,
        )
    return doc


def create_version(
    framework_model: Any,
    version_model: Any,
    *,
    doc: dict[str, Any],
    source: str,
    publish: bool,
) -> Any:
    """Insert a version (models passed in so that a data migration can call this too)."""
    title = doc.get("title") or {}
    framework, _created = framework_model.objects.get_or_create(
        code=doc["code"],
        defaults={"title": title.get("zh-hans", doc["code"]), "title_en": title.get("en", "")},
    )
    now = timezone.now()
    return version_model.objects.create(
        framework=framework,
        version=str(doc["version"]),
        status="published" if publish else "draft",
        published_at=now if publish else None,
        definition=doc,
        source=source,
    )


@transaction.atomic
def framework_import(*, source: str, publish: bool = False) -> FrameworkVersion:
    """Validate a YAML framework document and store it as a new version.

    An invalid document imports nothing; an existing code+version is a Conflict.
    """
    doc = parse_and_validate(source)
    if FrameworkVersion.objects.filter(
        framework__code=doc["code"], version=str(doc["version"])
    ).exists():
        raise Conflict(
            _("Version %(version)s of %(code)s already exists; give the new one another version.")
            % {"version": doc["version"], "code": doc["code"]},
            errors={"version": [_("This version already exists.")]},
        )
    try:
        with transaction.atomic():
            return create_version(
                Framework, FrameworkVersion, doc=doc, source=source, publish=publish
            )
    except IntegrityError as exc:
        raise Conflict(
            _("This version already exists."), errors={"version": [_("Already exists.")]}
        ) from exc


@transaction.atomic
def framework_version_publish(*, version: FrameworkVersion) -> FrameworkVersion:
    """Publish a draft. A conditional update claims it, so two publishers cannot race."""
    updated = FrameworkVersion.objects.filter(
        pk=version.pk, status=FrameworkVersion.Status.DRAFT
    ).update(status=FrameworkVersion.Status.PUBLISHED, published_at=timezone.now())
    if not updated:
        raise Conflict(_("Only a draft can be published."))
    version.refresh_from_db()
    return version


@transaction.atomic
def framework_version_retire(*, version: FrameworkVersion) -> FrameworkVersion:
    updated = FrameworkVersion.objects.filter(
        pk=version.pk, status=FrameworkVersion.Status.PUBLISHED
    ).update(status=FrameworkVersion.Status.RETIRED, retired_at=timezone.now())
    if not updated:
        raise Conflict(_("Only a published version can be retired."))
    version.refresh_from_db()
    return version


@transaction.atomic
def framework_version_update_draft(*, version: FrameworkVersion, source: str) -> FrameworkVersion:
    """Replace a draft's document (same code and version). Published versions never change."""
    doc = parse_and_validate(source)
    if doc["code"] != version.framework.code or str(doc["version"]) != version.version:
        raise ValidationFailed(
            _("The document's code and version must stay those of the draft."),
            errors={"version": [_("Import it as a new version instead.")]},
        )
    updated = FrameworkVersion.objects.filter(
        pk=version.pk, status=FrameworkVersion.Status.DRAFT
    ).update(definition=doc, source=source)
    if not updated:
        raise Conflict(_("A published framework version never changes."))
    version.refresh_from_db()
    return version


def framework_export(*, version: FrameworkVersion) -> str:
    """The YAML text of a version: exactly what was imported, comments included."""
    if version.source:
        return version.source
    return yaml.safe_dump(version.definition, allow_unicode=True, sort_keys=False)


def install_shipped(framework_model: Any, version_model: Any) -> list[str]:
    """Import and publish each shipped framework file whose code+version is not stored yet.

    Idempotent; used by a data migration (historical models) and by seed_demo.
    """
    installed = []
    for name in SHIPPED_FILES:
        source = (SHIPPED_DIR / name).read_text(encoding="utf-8")
        doc = parse_and_validate(source)
        exists = version_model.objects.filter(
            framework__code=doc["code"], version=str(doc["version"])
        ).exists()
        if not exists:
            create_version(framework_model, version_model, doc=doc, source=source, publish=True)
            installed.append(f"{doc['code']} {doc['version']}")
    return installed
