"""Two writers on one answer: nothing lost, the stale one gets 409 (real transactions)."""

from __future__ import annotations

import itertools
import threading

import pytest
from django.db import connection, connections

from assessments.models import Answer, AnswerRevision, Assessment
from assessments.services.assessments import answer_save
from enterprises.errors import Conflict

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _reference(reference_loaded: None) -> None:
    """Reference data first, then the personas and the draft."""


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="row locks need PostgreSQL; CI runs this on it"
)
def test_two_writers_with_the_same_base_revision_one_wins_one_gets_409(personas, draft) -> None:
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def write(name: str, user, value: str) -> None:
        try:
            assessment = Assessment.objects.get(pk=draft.pk)
            barrier.wait()
            saved = answer_save(
                assessment=assessment, user=user, question_key="q_net", value=value, base_revision=0
            )
            outcomes[name] = saved.revision
        except Conflict as exc:
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=write, args=("a", personas.editor, "full")),
        threading.Thread(target=write, args=("b", personas.admin, "none")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    winners = [name for name, outcome in outcomes.items() if outcome == 1]
    losers = [name for name, outcome in outcomes.items() if isinstance(outcome, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    answer = Answer.objects.get(assessment=draft, question_key="q_net")
    assert answer.revision == 1
    assert answer.value == {"a": "full", "b": "none"}[winners[0]]
    conflict = outcomes[losers[0]]
    assert conflict.extra["current"] == {"value": answer.value, "revision": 1}
    assert AnswerRevision.objects.filter(assessment=draft).count() == 1


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="row locks need PostgreSQL; CI runs this on it"
)
def test_many_sequential_writers_lose_nothing(personas, draft) -> None:
    """Writers that each read the current revision first never overwrite each other."""
    errors: list[Exception] = []

    def writer(user, values: list[str]) -> None:
        try:
            for value in values:
                while True:
                    current = (
                        Answer.objects.filter(assessment_id=draft.pk, question_key="q_net")
                        .values_list("revision", flat=True)
                        .first()
                        or 0
                    )
                    try:
                        answer_save(
                            assessment=draft,
                            user=user,
                            question_key="q_net",
                            value=value,
                            base_revision=current,
                        )
                        break
                    except Conflict:
                        continue
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=writer, args=(personas.editor, ["full", "none"] * 5)),
        threading.Thread(target=writer, args=(personas.admin, ["none", "full"] * 5)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    answer = Answer.objects.get(assessment=draft, question_key="q_net")
    assert answer.revision == 20
    revisions = list(
        AnswerRevision.objects.filter(assessment=draft).values_list("revision", flat=True)
    )
    assert sorted(revisions) == list(range(1, 21))
    # The chain of old -> new values is unbroken: each write saw its predecessor.
    chain = list(
        AnswerRevision.objects.filter(assessment=draft)
        .order_by("revision")
        .values_list("old_value", "new_value")
    )
    for (_, previous_new), (next_old, _) in itertools.pairwise(chain):
        assert next_old == previous_new
