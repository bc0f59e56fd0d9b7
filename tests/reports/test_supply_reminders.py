"""Reminder emails to suppliers: the right reasons, at most one a week per supplier,
never two under a doubled beat or concurrent workers, an opt-out link, Chinese first."""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Assessment, FrameworkVersion
from enterprises import services_supply
from enterprises.models import Enterprise, ReminderPreference, Role, SupplierLink
from reports import tasks
from reports.models import SupplierReminder, SupplyRequirement
from reports.services import reminders
from reports.supply.facts import requirement_checks_for_links
from tests.conftest import Personas
from tests.factories import EnterpriseFactory, MembershipFactory, valid_uscc
from tests.reports.conftest import BEST, LEVEL1, store_submitted

pytestmark = pytest.mark.django_db

DAYS_AGO = dt.timedelta(days=10)


def anchor_firm(name: str = "无锡链主集团") -> Enterprise:
    return EnterpriseFactory(name=name)


def registered_supplier(name: str = "苏州供应商有限公司", email: str = "boss@supplier.example"):
    supplier = EnterpriseFactory(name=name)
    MembershipFactory(enterprise=supplier, role=Role.ADMIN, user__email=email)
    return supplier


def invite(
    anchor: Enterprise, *, supplier=None, uscc=None, email="", age=DAYS_AGO, status="invited"
):
    link = SupplierLink.objects.create(
        anchor=anchor,
        supplier=supplier,
        supplier_uscc=supplier.uscc if supplier else (uscc or valid_uscc()),
        supplier_name=supplier.name if supplier else "未注册供应商",
        contact_email=email,
        status=status,
        consented_at=timezone.now() - age if status == "accepted" else None,
    )
    SupplierLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - age)
    link.refresh_from_db()
    return link


def requirement(anchor: Enterprise, *, days: int, level: str = "L2", **extra) -> SupplyRequirement:
    version = FrameworkVersion.objects.latest_published("report-fw")
    return SupplyRequirement.objects.create(
        anchor=anchor,
        framework=version.framework,
        min_level_code=level,
        deadline=timezone.localdate() + dt.timedelta(days=days),
        **extra,
    )


def run_beat(capture) -> None:
    """One beat of the daily task, with the sends its commit enqueues."""
    with capture(execute=True):
        tasks.supply_reminders()


# ---- reasons -----------------------------------------------------------------------------


def test_an_invitation_unanswered_for_long_reminds_the_contact_in_chinese(
    django_capture_on_commit_callbacks,
) -> None:
    anchor = anchor_firm()
    link = invite(anchor, email="contact@supplier.example")
    run_beat(django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == ["contact@supplier.example"]
    assert message.subject == "【智造梯度】无锡链主集团 正在等待您的答复"
    assert "无锡链主集团 于" in message.body and "邀请贵企业" in message.body
    assert f"/register/?uscc={link.supplier_uscc}" in message.body  # not registered yet
    opt_out = re.search(r"https?://\S+/reminders/opt-out/\S+/", message.body).group(0)
    assert message.extra_headers["List-Unsubscribe"] == f"<{opt_out}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    row = SupplierReminder.objects.get()
    assert (row.reason, row.state, row.attempts) == ("invitation", "sent", 1)
    assert row.recipients == ["contact@supplier.example"]


def test_a_recent_invitation_or_an_answered_one_is_not_chased(
    django_capture_on_commit_callbacks, settings
) -> None:
    settings.GRADIENT_REMINDER_INVITATION_DAYS = 7
    anchor = anchor_firm()
    invite(anchor, email="new@supplier.example", age=dt.timedelta(days=3))
    invite(anchor, email="declined@supplier.example", status="declined")
    run_beat(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert not SupplierReminder.objects.exists()


def test_a_registered_supplier_is_reminded_at_its_administrators(
    django_capture_on_commit_callbacks,
) -> None:
    supplier = registered_supplier(email="admin@supplier.example")
    MembershipFactory(enterprise=supplier, role=Role.VIEWER, user__email="viewer@supplier.example")
    invite(anchor_firm(), supplier=supplier, email="old-contact@supplier.example")
    run_beat(django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == ["admin@supplier.example"]
    assert "/supplier-requests/" in message.body
    assert "/register/" not in message.body


@pytest.mark.parametrize(
    ("days", "answers", "status", "expected"),
    [
        (5, None, None, "deadline_near"),  # no assessment, due in 5 days
        (5, LEVEL1, None, "deadline_near"),  # level 1 < level 2
        (-3, LEVEL1, None, "deadline_missed"),
        (-3, BEST, "pending_review", "deadline_missed"),  # awaiting review does not count
        (5, BEST, "confirmed", None),  # met
        (-3, BEST, "confirmed", None),  # met, even late
        (30, None, None, None),  # far away
    ],
)
def test_requirement_deadlines_remind_only_when_near_or_missed_and_not_met(
    django_capture_on_commit_callbacks,
    report_framework: FrameworkVersion,
    settings,
    days: int,
    answers,
    status,
    expected,
) -> None:
    settings.GRADIENT_REMINDER_DEADLINE_DAYS = 14
    anchor = anchor_firm()
    supplier = registered_supplier()
    # Accepted yesterday: no invitation reason in the way.
    invite(anchor, supplier=supplier, status="accepted", age=dt.timedelta(days=1))
    if answers is not None:
        assessment = store_submitted(supplier, answers, status=status)
        if status == "confirmed":
            Assessment.objects.filter(pk=assessment.pk).update(confirmed_level_code="L2")
    requirement(anchor, days=days)
    run_beat(django_capture_on_commit_callbacks)
    if expected is None:
        assert mail.outbox == []
        return
    [message] = mail.outbox
    assert SupplierReminder.objects.get().reason == expected
    assert "报告测试框架" in message.body and "二级" in message.body
    if expected == "deadline_missed":
        assert message.subject == "【智造梯度】无锡链主集团 的要求已过截止日期"
        assert "已过去 3 天" in message.body
    else:
        assert "无锡链主集团 的要求将于" in message.subject


def test_requirements_are_not_chased_without_consent(
    django_capture_on_commit_callbacks, report_framework: FrameworkVersion
) -> None:
    anchor = anchor_firm()
    supplier = registered_supplier()
    invite(anchor, supplier=supplier, status="revoked")
    requirement(anchor, days=-3)
    run_beat(django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_a_requirement_for_another_tier_or_tag_does_not_apply(
    django_capture_on_commit_callbacks, report_framework: FrameworkVersion
) -> None:
    anchor = anchor_firm()
    supplier = registered_supplier()
    invite(anchor, supplier=supplier, status="accepted", age=dt.timedelta(days=1))
    requirement(anchor, days=-3, group="tier", tier=2)
    requirement(anchor, days=-3, group="tag", tag="电机")
    run_beat(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    SupplierLink.objects.filter(supplier=supplier).update(tags=["电机"])
    run_beat(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


# ---- once a week, never twice ------------------------------------------------------------


def test_a_doubled_beat_sends_once(django_capture_on_commit_callbacks) -> None:
    invite(anchor_firm(), email="contact@supplier.example")
    run_beat(django_capture_on_commit_callbacks)
    run_beat(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert SupplierReminder.objects.count() == 1
    # A doubled send task does not send again either.
    reminder = SupplierReminder.objects.get()
    assert tasks.send_supplier_reminder(reminder.pk) is False
    assert len(mail.outbox) == 1


def test_one_email_a_week_carries_the_most_urgent_reason_and_lists_the_others(
    django_capture_on_commit_callbacks, report_framework: FrameworkVersion
) -> None:
    supplier = registered_supplier()
    waiting = anchor_firm("常州整车厂")
    invite(waiting, supplier=supplier)  # unanswered for 10 days
    demanding = anchor_firm("无锡链主集团")
    invite(demanding, supplier=supplier, status="accepted", age=dt.timedelta(days=1))
    requirement(demanding, days=-2)
    requirement(demanding, days=6)
    run_beat(django_capture_on_commit_callbacks)
    [message] = mail.outbox
    row = SupplierReminder.objects.get()
    assert row.reason == "deadline_missed"
    assert [item["reason"] for item in row.items] == [
        "deadline_missed",
        "deadline_near",
        "invitation",
    ]
    assert "常州整车厂" in message.body and "已过去 2 天" in message.body
    assert "还有 6 天" in message.body


def test_the_next_reminder_waits_for_the_next_iso_week(
    django_capture_on_commit_callbacks,
) -> None:
    invite(anchor_firm(), email="contact@supplier.example")
    # A Monday morning two to three weeks ahead, in Beijing time.
    ahead = timezone.localtime() + dt.timedelta(days=14)
    monday = (ahead - dt.timedelta(days=ahead.weekday())).replace(hour=9, minute=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(reminders.supplier_reminders_claim(now=monday)) == 1
    for later in (monday + dt.timedelta(days=3), monday + dt.timedelta(days=6, hours=14)):
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders.supplier_reminders_claim(now=later) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert len(reminders.supplier_reminders_claim(now=monday + dt.timedelta(days=7))) == 1
    assert len(mail.outbox) == 2
    year, week, _day = monday.date().isocalendar()
    next_year, next_week, _day = (monday.date() + dt.timedelta(days=7)).isocalendar()
    assert sorted(SupplierReminder.objects.values_list("iso_week", flat=True)) == [
        f"{year}-W{week:02d}",
        f"{next_year}-W{next_week:02d}",
    ]


def test_two_claims_that_both_passed_the_check_insert_one_row() -> None:
    """The unique constraint, not the pre-check, is what makes a claim single."""
    week = reminders.iso_week(timezone.localdate())
    first = SupplierReminder.objects.bulk_create(
        [
            SupplierReminder(
                supplier_uscc="X", iso_week=week, reason="invitation", claim=uuid.uuid4()
            )
        ],
        ignore_conflicts=True,
    )
    second_claim = uuid.uuid4()
    SupplierReminder.objects.bulk_create(
        [
            SupplierReminder(
                supplier_uscc="X", iso_week=week, reason="invitation", claim=second_claim
            )
        ],
        ignore_conflicts=True,
    )
    assert len(first) == 1
    assert SupplierReminder.objects.count() == 1
    assert not SupplierReminder.objects.filter(claim=second_claim).exists()


def test_a_failed_send_is_recorded_and_retried(
    django_capture_on_commit_callbacks, monkeypatch
) -> None:
    invite(anchor_firm(), email="contact@supplier.example")
    from django.core.mail import EmailMultiAlternatives

    original = EmailMultiAlternatives.send

    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    run_beat(django_capture_on_commit_callbacks)
    row = SupplierReminder.objects.get()
    assert (row.state, row.attempts) == ("failed", 1)
    assert "SMTP server down" in row.error
    assert mail.outbox == []
    # A second beat does not claim the week again; the hourly sweep resends.
    run_beat(django_capture_on_commit_callbacks)
    assert SupplierReminder.objects.count() == 1
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    assert tasks.supply_reminders_retry() == 1
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.error) == ("sent", 2, "")
    assert tasks.supply_reminders_retry() == 0
    assert len(mail.outbox) == 1


def test_retries_stop_after_the_maximum(
    django_capture_on_commit_callbacks, monkeypatch, settings
) -> None:
    settings.GRADIENT_REMINDER_MAX_ATTEMPTS = 2
    invite(anchor_firm(), email="contact@supplier.example")
    from django.core.mail import EmailMultiAlternatives

    monkeypatch.setattr(EmailMultiAlternatives, "send", lambda self, fail_silently=False: 1 / 0)
    run_beat(django_capture_on_commit_callbacks)
    assert tasks.supply_reminders_retry() == 0
    assert tasks.supply_reminders_retry() == 0
    row = SupplierReminder.objects.get()
    assert (row.state, row.attempts) == ("failed", 2)


def test_a_lost_send_task_is_picked_up_by_the_sweep() -> None:
    invite(anchor_firm(), email="contact@supplier.example")
    # The claim commits but its on_commit never runs (here: not executed): a lost task.
    [reminder_id] = reminders.supplier_reminders_claim()
    assert mail.outbox == []
    assert tasks.supply_reminders_retry() == 0  # still young: its task may be queued
    SupplierReminder.objects.filter(pk=reminder_id).update(
        created_at=timezone.now() - dt.timedelta(minutes=30)
    )
    assert tasks.supply_reminders_retry() == 1
    assert len(mail.outbox) == 1


# ---- opting out ----------------------------------------------------------------------------


def opt_out_link(message) -> str:
    url = re.search(r"https?://\S+/reminders/opt-out/\S+/", message.body).group(0)
    return url[url.index("/reminders/") :]


def test_the_opt_out_link_asks_first_then_stops_reminders_without_signing_in(
    django_capture_on_commit_callbacks,
) -> None:
    link = invite(anchor_firm(), email="contact@supplier.example")
    run_beat(django_capture_on_commit_callbacks)
    path = opt_out_link(mail.outbox[0])
    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    assert "停止提醒邮件" in page.content.decode()
    assert not ReminderPreference.objects.exists()  # a GET (a mail scanner) changes nothing
    done = client.post(path)
    assert done.status_code == 200
    assert "已停止" in done.content.decode()
    preference = ReminderPreference.objects.get()
    assert preference.supplier_uscc == link.supplier_uscc and preference.opted_out_at
    # Next week: no reminder.
    SupplierReminder.objects.all().delete()
    run_beat(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert not SupplierReminder.objects.exists()


def test_one_click_unsubscribe_posts_without_a_csrf_token(
    django_capture_on_commit_callbacks,
) -> None:
    invite(anchor_firm(), email="contact@supplier.example")
    run_beat(django_capture_on_commit_callbacks)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        opt_out_link(mail.outbox[0]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert ReminderPreference.objects.get().opted_out_at is not None


def test_an_opt_out_made_after_the_claim_is_respected_at_sending() -> None:
    link = invite(anchor_firm(), email="contact@supplier.example")
    [reminder_id] = reminders.supplier_reminders_claim()
    services_supply.reminder_opt_out(uscc=link.supplier_uscc)
    assert tasks.send_supplier_reminder(reminder_id) is False
    assert mail.outbox == []
    assert SupplierReminder.objects.get().state == "skipped"


@pytest.mark.parametrize("token", ["nonsense", "eyJ1c2NjIjoiWCJ9:forged:signature"])
def test_a_broken_or_forged_opt_out_link_is_404(token: str) -> None:
    client = Client()
    assert client.get(f"/reminders/opt-out/{token}/").status_code == 404
    assert client.post(f"/reminders/opt-out/{token}/").status_code == 404
    assert not ReminderPreference.objects.exists()


def test_the_administrator_turns_reminders_back_on_in_english(
    django_capture_on_commit_callbacks, personas: Personas
) -> None:
    supplier = personas.enterprise
    services_supply.reminder_opt_out(uscc=supplier.uscc)
    SupplierLink.objects.filter(supplier=supplier).update(created_at=timezone.now() - DAYS_AGO)
    run_beat(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    client = Client()
    client.force_login(personas.admin)
    url = f"/enterprises/{supplier.pk}/reminder-settings/"
    assert "提醒邮件已于" in client.get(url).content.decode()
    response = client.post(url, {"enabled": "on", "language": "en"})
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(supplier_uscc=supplier.uscc)
    assert preference.opted_out_at is None and preference.language == "en"
    run_beat(django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == [personas.admin.email]
    assert message.subject == "[Gradient] 无锡链主集团 is waiting for your answer"
    assert "invited your enterprise on" in message.body
    assert message.extra_headers["Content-Language"] == "en"


def test_a_bad_language_is_named(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.admin)
    response = client.post(
        f"/enterprises/{personas.enterprise.pk}/reminder-settings/", {"language": "fr"}
    )
    assert response.status_code == 200
    assert 'class="field has-error"' in response.content.decode()
    assert not ReminderPreference.objects.exists()


SETTINGS_PAGE = {
    "admin": 200,
    "editor": 403,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 404,
}


@pytest.mark.parametrize(("persona", "expected"), SETTINGS_PAGE.items())
def test_only_the_suppliers_administrators_change_its_reminder_settings(
    personas: Personas, persona: str, expected: int
) -> None:
    client = Client()
    client.force_login(personas.all()[persona])
    url = f"/enterprises/{personas.enterprise.pk}/reminder-settings/"
    assert client.get(url).status_code == expected
    response = client.post(url, {"language": "zh-hans"})  # unchecked: off
    assert response.status_code == (302 if expected == 200 else expected)
    assert ReminderPreference.objects.exists() == (expected == 200)


# ---- queries -----------------------------------------------------------------------------


def test_claiming_runs_a_fixed_number_of_queries(report_framework: FrameworkVersion) -> None:
    def grow(count: int) -> None:
        for n in range(count):
            anchor = anchor_firm(f"链主{n}")
            supplier = registered_supplier(f"供应商{n}", f"s{n}-{count}@supplier.example")
            invite(anchor, supplier=supplier, status="accepted", age=dt.timedelta(days=1))
            store_submitted(supplier, LEVEL1)
            requirement(anchor, days=-1)
            requirement(anchor, days=3, group="tier", tier=1)
            invite(anchor, email=f"c{n}-{count}@supplier.example")

    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert len(reminders.supplier_reminders_claim()) == 4
    SupplierReminder.objects.all().delete()
    grow(12)
    with CaptureQueriesContext(connection) as large:
        assert len(reminders.supplier_reminders_claim()) == 28
    assert len(large.captured_queries) == len(small.captured_queries)


def test_requirement_checks_for_links_are_correct_and_take_fixed_queries(
    report_framework: FrameworkVersion,
) -> None:
    anchor = anchor_firm()

    def add(count: int, answers) -> list[SupplierLink]:
        out = []
        for _n in range(count):
            supplier = registered_supplier(email="")
            out.append(
                invite(anchor, supplier=supplier, status="accepted", age=dt.timedelta(days=1))
            )
            if answers is not None:
                store_submitted(supplier, answers)
        return out

    met = requirement(anchor, days=10, level="L1")
    strict = requirement(
        anchor, days=-1, level="L1", min_dimension_percents={"data": 80, "people": 10}
    )
    hidden = invite(anchor, supplier=registered_supplier(email=""), status="revoked")
    small = add(1, LEVEL1)
    with CaptureQueriesContext(connection) as few:
        checks = requirement_checks_for_links([*small, hidden], timezone.localdate())
    assert hidden.pk not in checks  # no consent, nothing read
    by_requirement = {c.requirement_id: c for _, c in checks[small[0].pk]}
    assert by_requirement[met.pk].met
    assert not by_requirement[strict.pk].met and by_requirement[strict.pk].overdue
    assert {gap.key for gap in by_requirement[strict.pk].gaps} == {"data", "people"}
    large = [*small, *add(8, LEVEL1), *add(3, None)]
    with CaptureQueriesContext(connection) as many:
        checks = requirement_checks_for_links(large, timezone.localdate())
    assert len(many.captured_queries) == len(few.captured_queries)
    assert [gap.kind for gap in checks[large[-1].pk][0][1].gaps] == ["assessment"]


# ---- two workers at once (PostgreSQL) ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="concurrent writers need PostgreSQL; CI runs this on it"
)
def test_two_workers_claiming_at_once_send_one_email(reference_loaded, monkeypatch) -> None:
    invite(anchor_firm(), email="contact@supplier.example")
    barrier = threading.Barrier(2, timeout=20)
    real_uuid4 = uuid.uuid4

    def uuid4_after_both_checked():
        # Both runs have passed the "already claimed this week?" check: now they race
        # to insert, and only the unique constraint can stop the second.
        barrier.wait()
        return real_uuid4()

    monkeypatch.setattr(reminders.uuid, "uuid4", uuid4_after_both_checked)
    won: list[list[int]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            won.append(reminders.supplier_reminders_claim())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(len(ids) for ids in won) == [0, 1]
    assert SupplierReminder.objects.count() == 1
    assert len(mail.outbox) == 1
    assert SupplierReminder.objects.get().state == "sent"
