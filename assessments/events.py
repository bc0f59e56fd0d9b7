"""What happens after an assessment is submitted or reviewed is another app's business.

The assessments app announces it by enqueueing a task by name after the transaction
commits; the reports app implements the task (plans confirmed, certificate issued,
PDFs made). Enqueueing by name keeps the dependency pointing one way
(reports -> assessments), and a periodic sweep catches anything a broker outage lost.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)

ASSESSMENT_SETTLED_TASK = "reports.assessment_settled"


def _enqueue(task_name: str, *args: object) -> None:
    from config.celery import app

    try:
        app.signature(task_name, args=args).apply_async()
    except Exception:  # the sweep will pick it up; never fail a committed submission
        logger.exception("Could not enqueue %s%r; the periodic sweep will retry", task_name, args)


def assessment_settled(assessment_id: int) -> None:
    """Announce, once the current transaction commits, that an assessment moved on."""
    transaction.on_commit(lambda: _enqueue(ASSESSMENT_SETTLED_TASK, assessment_id))
