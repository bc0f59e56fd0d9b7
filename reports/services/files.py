"""Generated files (PDFs): request, render in a task, store once under a fixed name."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import User
from reports.models import GeneratedFile

logger = logging.getLogger(__name__)

RENDER_TASK = "reports.render_generated_file"


def _enqueue(file_id: int) -> None:
    from config.celery import app

    try:
        app.signature(RENDER_TASK, args=(file_id,)).apply_async()
    except Exception:  # the page shows it queued; the sweep or a retry will run it
        logger.exception("Could not enqueue %s(%s)", RENDER_TASK, file_id)


@transaction.atomic
def generated_file_request(
    *, kind: str, object_id: int, user: User | None = None, force: bool = False
) -> GeneratedFile:
    """Ask for a file: reuse a finished one, (re)queue a failed or missing one."""
    row, _created = GeneratedFile.objects.select_for_update().get_or_create(
        kind=kind, object_id=object_id, defaults={"requested_by": user}
    )
    if row.state == GeneratedFile.State.DONE and row.file and not force:
        return row
    in_flight = row.state in (GeneratedFile.State.QUEUED, GeneratedFile.State.RUNNING)
    if in_flight and not _created and not force:
        return row  # already on its way
    row.state = GeneratedFile.State.QUEUED
    row.progress = 0
    row.error = ""
    row.save(update_fields=["state", "progress", "error", "updated_at"])
    transaction.on_commit(lambda: _enqueue(row.pk))
    return row


def file_name(row: GeneratedFile) -> str:
    return f"generated/{row.kind}-{row.object_id}.pdf"


def generated_file_render(*, file_id: int, render: Callable[[GeneratedFile], bytes]) -> None:
    """Render and store one file. Idempotent: the name is fixed and overwritten, and a
    finished file is left alone, so a task run twice leaves exactly one file."""
    row = GeneratedFile.objects.get(pk=file_id)
    if row.state == GeneratedFile.State.DONE and row.file:
        return
    GeneratedFile.objects.filter(pk=file_id).update(
        state=GeneratedFile.State.RUNNING,
        progress=10,
        attempts=row.attempts + 1,
        updated_at=timezone.now(),  # the age of a RUNNING row is how long it has run
    )
    try:
        data = render(row)
    except Exception as exc:
        GeneratedFile.objects.filter(pk=file_id).update(
            state=GeneratedFile.State.FAILED,
            error=_("The file could not be made: %(error)s") % {"error": exc.__class__.__name__},
        )
        raise
    GeneratedFile.objects.filter(pk=file_id).update(progress=80)
    name = row.file.storage.save(file_name(row), ContentFile(data))
    GeneratedFile.objects.filter(pk=file_id).update(
        state=GeneratedFile.State.DONE, progress=100, file=name, error=""
    )


# Longer than any render may run (its hard time limit) plus its retries' backoff.
STALE_AFTER = timedelta(minutes=15)


def generated_files_requeue_stale(*, older_than: timedelta = STALE_AFTER) -> int:
    """Queue again the files still queued or running long after they were asked for:
    their message was lost (the broker was down when it was sent, or a whole worker
    host died). Safe beside a task that is in fact still coming, as rendering is
    idempotent. Returns how many were queued again."""
    cutoff = timezone.now() - older_than
    stale = GeneratedFile.objects.filter(
        state__in=[GeneratedFile.State.QUEUED, GeneratedFile.State.RUNNING],
        updated_at__lt=cutoff,
    )
    requeued = 0
    for file_id in list(stale.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            claimed = stale.filter(pk=file_id).update(
                state=GeneratedFile.State.QUEUED, progress=0, updated_at=timezone.now()
            )
            if claimed:
                transaction.on_commit(partial(_enqueue, file_id))
                requeued += claimed
    return requeued
