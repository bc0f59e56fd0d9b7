"""answer_save locks the draft with the same UPDATE that marks it edited; when the caller's
copy is stale (submitted, or moved to another framework version since it was read), the
full lock reloads the row, so the write is checked against what the database holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Answer, Assessment, FrameworkVersion
from assessments.selectors import compiled_framework
from assessments.services.assessments import answer_save
from enterprises.errors import Conflict

pytestmark = pytest.mark.django_db


def test_an_answer_marks_the_draft_edited(personas, draft: Assessment) -> None:
    before = Assessment.objects.get(pk=draft.pk).updated_at
    answer_save(
        assessment=draft, user=personas.editor, question_key="q_net", value="full", base_revision=0
    )
    assert Assessment.objects.get(pk=draft.pk).updated_at > before


def test_a_stale_copy_of_a_submitted_assessment_cannot_take_an_answer(
    personas, draft: Assessment
) -> None:
    stale = Assessment.objects.with_version().get(pk=draft.pk)
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.SUBMITTED)
    with pytest.raises(Conflict):
        answer_save(
            assessment=stale,
            user=personas.editor,
            question_key="q_net",
            value="full",
            base_revision=0,
        )
    assert not Answer.objects.filter(assessment=draft).exists()


def test_a_copy_read_before_a_version_move_is_validated_against_the_stored_version(
    personas, draft: Assessment
) -> None:
    stale = Assessment.objects.with_version().get(pk=draft.pk)
    stale.framework_version = FrameworkVersion.objects.latest_published("smart-factory-gradient")
    before = Assessment.objects.get(pk=draft.pk).updated_at
    # q_net exists only in the stored version (test-fw): the write follows the database.
    saved = answer_save(
        assessment=stale, user=personas.editor, question_key="q_net", value="full", base_revision=0
    )
    assert saved.revision == 1
    assert Answer.objects.get(assessment=draft, question_key="q_net").value == "full"
    assert Assessment.objects.get(pk=draft.pk).updated_at > before


def test_an_autosave_write_takes_one_statement_fewer_than_lock_then_touch(
    personas, draft: Assessment
) -> None:
    fresh = Assessment.objects.with_version().get(pk=draft.pk)
    compiled_framework(Assessment.objects.with_version().get(pk=draft.pk).framework_version)
    with CaptureQueriesContext(connection) as queries:
        answer_save(
            assessment=fresh,
            user=personas.editor,
            question_key="q_net",
            value="full",
            base_revision=0,
        )
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    # With the definition compiled (once per process): the lock-and-touch UPDATE, the
    # answer read, its write and the revision row.
    assert [s for s in statements if s in {"SELECT", "UPDATE", "INSERT"}] == [
        "UPDATE",
        "SELECT",
        "INSERT",
        "INSERT",
    ]
