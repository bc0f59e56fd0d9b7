"""Supply-chain reminder emails: at most one a week per supplier, never two.

Claiming: the daily run computes who needs a reminder and why, then inserts one
SupplierReminder row per supplier and ISO week with ON CONFLICT DO NOTHING (a unique
constraint), tagged with its own claim token; the rows carrying that token are the ones
this run won. A doubled beat, or two workers at once, therefore claim each supplier's
week exactly once. Sending is enqueued only after the claim commits, and claims the row
again (pending or failed -> sending) before sending, so a doubled send task sends once;
a failure is recorded and retried by the hourly sweep within the week. A send that dies
midway (a killed worker) stays "sending" and is not retried: at most one email.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models import FrameworkVersion
from assessments.presenters import tr
from assessments.selectors import compiled_framework
from enterprises import services_supply
from enterprises.models import Enterprise, ReminderPreference, Role, SupplierLink, User
from reports.models import SupplierReminder
from reports.selectors_supply import reminder_candidates

logger = logging.getLogger(__name__)

State = SupplierReminder.State
# A pending row older than this lost its send task (a broker outage): the sweep sends it.
LOST_AFTER = dt.timedelta(minutes=10)


def iso_week(day: dt.date) -> str:
    """2026-W48: the ISO year and week of `day`."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _enqueue(reminder_ids: list[int]) -> None:
    from reports.tasks import send_supplier_reminder

    for reminder_id in reminder_ids:
        try:
            send_supplier_reminder.delay(reminder_id)
        except Exception:  # the hourly sweep sends what could not be enqueued
            logger.exception("Could not enqueue reminder %s; the sweep will send it", reminder_id)


def supplier_reminders_claim(*, now: dt.datetime | None = None) -> list[int]:
    """Claim this week's reminders and enqueue their sending after the claim commits.

    Returns the ids of the rows this call inserted (none for a supplier already
    reminded this week, opted out, or claimed by a concurrent run). A fixed number of
    queries, whatever the number of suppliers.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    week = iso_week(today)
    candidates = reminder_candidates(
        today=today,
        now=now,
        invitation_days=settings.GRADIENT_REMINDER_INVITATION_DAYS,
        deadline_days=settings.GRADIENT_REMINDER_DEADLINE_DAYS,
    )
    if not candidates:
        return []
    # Both sets are small (opt-outs; this week's rows): no long IN lists.
    opted_out = set(
        ReminderPreference.objects.filter(opted_out_at__isnull=False).values_list(
            "supplier_uscc", flat=True
        )
    )
    taken = set(
        SupplierReminder.objects.filter(iso_week=week).values_list("supplier_uscc", flat=True)
    )
    # Sorted, so that concurrent runs insert in the same order and never deadlock.
    wanted = sorted(code for code in candidates if code not in opted_out and code not in taken)
    if not wanted:
        return []
    claim = uuid.uuid4()
    with transaction.atomic():
        SupplierReminder.objects.bulk_create(
            [
                SupplierReminder(
                    supplier_uscc=code,
                    iso_week=week,
                    reason=candidates[code][0]["reason"],
                    items=candidates[code],
                    claim=claim,
                )
                for code in wanted
            ],
            ignore_conflicts=True,
        )
        mine = list(
            SupplierReminder.objects.filter(claim=claim).order_by("pk").values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: _enqueue(mine))
    return mine


def reminder_recipients(uscc: str) -> list[str]:
    """The supplier's administrators (with an email address) once it is registered;
    before that, the contact emails its invitations gave."""
    if Enterprise.objects.filter(uscc=uscc).exists():
        admins = User.objects.filter(
            is_active=True,
            memberships__enterprise__uscc=uscc,
            memberships__role=Role.ADMIN,
        ).exclude(email="")
        return sorted(set(admins.values_list("email", flat=True)))
    contacts = SupplierLink.objects.filter(supplier_uscc=uscc, supplier__isnull=True).exclude(
        contact_email=""
    )
    return sorted(set(contacts.values_list("contact_email", flat=True)))


def _framework_names(codes: set[str]) -> dict[str, dict[str, Any]]:
    """Title, level names and dimension names of each framework, in the active language."""
    names: dict[str, dict[str, Any]] = {}
    for code in sorted(codes):
        version = FrameworkVersion.objects.latest_published(code)
        if version is None:
            continue
        framework = compiled_framework(version)
        names[code] = {
            "title": tr(framework.title),
            "levels": {level.code: tr(level.name) for level in framework.levels},
            "dimensions": {d.key: tr(d.name) for d in framework.dimensions},
        }
    return names


def _gap_text(gap: dict[str, Any], names: dict[str, Any]) -> str:
    levels, dimensions = names.get("levels", {}), names.get("dimensions", {})
    if gap["kind"] == "assessment":
        return _("No submitted and attested assessment of this framework yet.")
    if gap["kind"] == "level":
        actual = levels.get(gap["actual"], gap["actual"]) if gap["actual"] else _("no level")
        return _("Level reached: %(actual)s; required: %(required)s.") % {
            "actual": actual,
            "required": levels.get(gap["required"], gap["required"]),
        }
    return _("%(dimension)s: %(actual)s; required: at least %(required)s%%.") % {
        "dimension": dimensions.get(gap["key"], gap["key"]),
        "actual": f"{gap['actual']}%" if gap["actual"] is not None else _("not scored"),
        "required": gap["required"],
    }


def reminder_message(
    reminder: SupplierReminder, recipients: list[str], language: str
) -> EmailMultiAlternatives:
    """The reminder email, rendered from templates in `language` (Chinese by default)."""
    site = str(settings.GRADIENT_SITE_URL or "").rstrip("/")
    uscc = reminder.supplier_uscc
    enterprise = Enterprise.objects.filter(uscc=uscc).values("pk", "name").first()
    opt_out_url = services_supply.reminder_opt_out_url(uscc)
    with translation.override(language or settings.LANGUAGE_CODE):
        names = _framework_names({i["framework"] for i in reminder.items if "framework" in i})
        items = []
        for item in reminder.items:
            shown = dict(item)
            if "framework" in item:
                framework = names.get(item["framework"], {})
                shown["framework_title"] = framework.get("title", item["framework"])
                shown["level_name"] = framework.get("levels", {}).get(
                    item["min_level"], item["min_level"]
                )
                shown["days_overdue"] = -int(item["days_left"])
                shown["gap_texts"] = [_gap_text(gap, framework) for gap in item["gaps"]]
            items.append(shown)
        supplier = enterprise["name"] if enterprise else (items[0].get("supplier_name") or uscc)
        context = {
            "reason": reminder.reason,
            "first": items[0],
            "items": items,
            "supplier": supplier,
            "registered": enterprise is not None,
            "requests_url": site + reverse("supplier-requests"),
            "assessments_url": (
                site + reverse("enterprise-assessments", kwargs={"pk": enterprise["pk"]})
                if enterprise
                else ""
            ),
            "register_url": services_supply.registration_url(uscc),
            "opt_out_url": opt_out_url,
            "settings_url": (
                site + reverse("supplier-reminder-settings", kwargs={"pk": enterprise["pk"]})
                if enterprise
                else ""
            ),
        }
        subject = " ".join(render_to_string("supply/email/reminder_subject.txt", context).split())
        body = render_to_string("supply/email/reminder_body.txt", context)
    return EmailMultiAlternatives(
        subject,
        body,
        None,
        recipients,
        headers={
            "List-Unsubscribe": f"<{opt_out_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": language or settings.LANGUAGE_CODE,
        },
    )


def _finish(reminder_id: int, **fields: Any) -> None:
    SupplierReminder.objects.filter(pk=reminder_id).update(updated_at=timezone.now(), **fields)


def supplier_reminder_send(*, reminder_id: int) -> bool:
    """Send one claimed reminder; True if this call sent it.

    Claims the row first (pending or failed -> sending, attempts + 1), so that two
    calls never both send. Respects an opt-out made since the claim. A failed send is
    recorded (state failed, the error) for the sweep to retry.
    """
    claimed = SupplierReminder.objects.filter(
        pk=reminder_id,
        state__in=[State.PENDING, State.FAILED],
        attempts__lt=settings.GRADIENT_REMINDER_MAX_ATTEMPTS,
    ).update(state=State.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now())
    if not claimed:
        return False
    reminder = SupplierReminder.objects.get(pk=reminder_id)
    preference = services_supply.reminder_preference_of(reminder.supplier_uscc)
    if preference.opted_out_at is not None:
        _finish(reminder_id, state=State.SKIPPED, error="opted out")
        return False
    recipients = reminder_recipients(reminder.supplier_uscc)
    if not recipients:
        _finish(reminder_id, state=State.SKIPPED, error="no recipient with an email address")
        return False
    try:
        message = reminder_message(reminder, recipients, preference.language)
        message.send()
    except Exception as exc:
        logger.exception("Reminder %s could not be sent", reminder_id)
        _finish(reminder_id, state=State.FAILED, error=f"{type(exc).__name__}: {exc}"[:1000])
        return False
    _finish(
        reminder_id,
        state=State.SENT,
        sent_at=timezone.now(),
        recipients=recipients,
        language=preference.language,
        error="",
    )
    return True


def supplier_reminders_retry(*, now: dt.datetime | None = None) -> int:
    """Send this week's reminders that failed, or whose send task was lost; how many
    were sent."""
    now = now or timezone.now()
    week = iso_week(timezone.localdate(now))
    due = SupplierReminder.objects.filter(iso_week=week).filter(
        Q(state=State.FAILED, attempts__lt=settings.GRADIENT_REMINDER_MAX_ATTEMPTS)
        | Q(state=State.PENDING, created_at__lt=now - LOST_AFTER)
    )
    sent = 0
    for reminder_id in due.order_by("pk").values_list("pk", flat=True)[:500]:
        sent += supplier_reminder_send(reminder_id=reminder_id)
    return sent
