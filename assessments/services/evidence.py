"""Evidence files: type checked by content, size-limited, stored under random names."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Assessment, Evidence
from assessments.selectors import compiled_framework
from enterprises.errors import Conflict, NotFound, ValidationFailed
from enterprises.models import User

# What an enterprise may attach, by the type its bytes reveal (never by its name).
ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
}


def _draft_or_conflict(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status != Assessment.Status.DRAFT:
        raise Conflict(_("Evidence can only change while the assessment is a draft."))
    return locked


@transaction.atomic
def evidence_attach(
    *, assessment: Assessment, user: User, question_key: str, upload: Any
) -> Evidence:
    """Store an uploaded file against a question of a draft."""
    limit = settings.GRADIENT_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationFailed(
            _("The file is too large."),
            errors={
                "file": [_("Files may be at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)}]
            },
        )
    locked = _draft_or_conflict(assessment)
    if question_key not in compiled_framework(assessment.framework_version).questions:
        raise ValidationFailed(
            _("Unknown question."),
            errors={"question_key": [_("This framework has no such question.")]},
        )
    data = upload.read()
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else None
    if mime not in ALLOWED_TYPES:
        raise ValidationFailed(
            _("This kind of file cannot be attached."),
            errors={"file": [_("Attach a PDF, an image (PNG, JPEG, WebP) or an Office document.")]},
        )
    evidence = Evidence(
        assessment=locked,
        question_key=question_key,
        original_name=(upload.name or "evidence")[:255],
        content_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )
    evidence.file.save(f"{uuid.uuid4().hex}.{ALLOWED_TYPES[mime]}", ContentFile(data), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence) -> None:
    _draft_or_conflict(evidence.assessment)
    deleted = Evidence.objects.filter(pk=evidence.pk).first()
    if deleted is None:
        raise NotFound(_("Evidence not found."))
    storage, name = deleted.file.storage, deleted.file.name
    deleted.delete()
    transaction.on_commit(lambda: storage.delete(name))
