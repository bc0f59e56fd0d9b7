"""What comes out of an assessment: improvement-plan items, certificates, generated files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .storage import generated_storage_callable


class PlanItem(models.Model):
    """An improvement-plan item the enterprise adopted, kept across assessments.

    Keyed by enterprise, framework and question, so that progress made against one
    assessment's plan carries into the next; a later submitted assessment whose
    answer meets the item's target marks it confirmed.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="plan_items"
    )
    framework = models.ForeignKey(
        "assessments.Framework", on_delete=models.PROTECT, related_name="+"
    )
    question_key = models.CharField(max_length=64)
    adopted_from = models.ForeignKey(
        "assessments.Assessment", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recommendation = models.TextField(_("recommendation"))
    target_score = models.DecimalField(max_digits=10, decimal_places=3)
    expected_gain = models.DecimalField(max_digits=10, decimal_places=3)
    phase = models.CharField(_("phase"), max_length=8)
    owner = models.CharField(_("owner"), max_length=100, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    confirmed_by = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The later assessment whose answer met the target."),
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enterprise_id", "framework_id", "question_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "framework", "question_key"], name="uniq_plan_item"
            ),
        ]
        verbose_name = _("improvement-plan item")
        verbose_name_plural = _("improvement-plan items")

    def __str__(self) -> str:
        return f"{self.enterprise_id}:{self.question_key} ({self.status})"


class Certificate(models.Model):
    """A signed statement that an enterprise reached a level on a framework version.

    One per assessment (a unique constraint). Issuing a new one supersedes the
    enterprise's previous valid certificate on the same framework. "expired" is not
    stored: it follows from `expires_at`.
    """

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="certificate"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="certificates"
    )
    framework = models.ForeignKey(
        "assessments.Framework", on_delete=models.PROTECT, related_name="+"
    )
    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    # What is signed, frozen at issue (the enterprise may later rename itself).
    enterprise_name = models.CharField(max_length=200)
    framework_title = models.CharField(max_length=200)
    framework_version = models.CharField(max_length=32)
    level_code = models.CharField(max_length=32)
    level_name = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    signature = models.CharField(max_length=128)
    key_fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.VALID)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["enterprise", "framework", "status"])]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.serial


class SerialCounter(models.Model):
    """The last sequence number used for a serial prefix (framework, year, region)."""

    prefix = models.CharField(max_length=32, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


class GeneratedFile(models.Model):
    """A PDF (or export) made by a Celery task, with its progress.

    One row per (kind, object): a task run twice claims the same row and writes the
    same file name, so a retry leaves exactly one file.
    """

    class Kind(models.TextChoices):
        CERTIFICATE_PDF = "certificate_pdf", _("Certificate PDF")
        REPORT_PDF = "report_pdf", _("Assessment report PDF")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="generated/", blank=True, storage=generated_storage_callable)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="uniq_generated_file"),
        ]
        verbose_name = _("generated file")
        verbose_name_plural = _("generated files")

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} ({self.state})"


class SupplyRequirement(models.Model):
    """What an anchor firm asks of a group of its suppliers, by a deadline.

    The group is every supplier (``all``), one tier (``tier``), or the suppliers the
    anchor tagged (``tag``). A supplier meets it with a settled assessment of
    ``framework`` whose attested level ranks at or above ``min_level_code`` and whose
    dimension scores reach ``min_dimension_percents`` ({dimension key: percent of the
    dimension's maximum}). ``reports/requirements.py`` evaluates it.
    """

    class Group(models.TextChoices):
        ALL = "all", _("All suppliers")
        TIER = "tier", _("One tier")
        TAG = "tag", _("Suppliers with a tag")

    anchor = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="supply_requirements"
    )
    group = models.CharField(_("group"), max_length=8, choices=Group.choices, default=Group.ALL)
    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True)
    tag = models.CharField(_("tag"), max_length=50, blank=True)
    framework = models.ForeignKey(
        "assessments.Framework", on_delete=models.PROTECT, related_name="+"
    )
    min_level_code = models.CharField(_("minimum level"), max_length=32)
    min_dimension_percents = models.JSONField(
        _("minimum dimension scores (percent)"), default=dict, blank=True
    )
    deadline = models.DateField(_("deadline"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["anchor_id", "deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(group="all", tier__isnull=True, tag="")
                    | models.Q(group="tier", tier__isnull=False, tag="")
                    | (models.Q(group="tag", tier__isnull=True) & ~models.Q(tag=""))
                ),
                name="supply_requirement_group_is_consistent",
            ),
        ]
        indexes = [models.Index(fields=["anchor", "deadline"])]
        verbose_name = _("supply requirement")
        verbose_name_plural = _("supply requirements")

    def __str__(self) -> str:
        return f"{self.anchor_id}: {self.framework_id} >= {self.min_level_code} by {self.deadline}"


class AnalyticsSnapshot(models.Model):
    """A bureau scope's analytics figures for one framework in one quarter.

    Built by the periodic task ``reports.build_analytics_snapshots`` (and ``manage.py
    build_analytics_snapshots``): each run rewrites the current quarter's row, so once a
    quarter is over its row holds the figures of its last run. ``scope_key`` names the
    scope (AnalyticsScope.key): officers with the same scope share rows. ``data`` holds
    raw counts and sums (reports/analytics/snapshots.py); small groups are suppressed
    when they are shown, not when they are stored.
    """

    quarter = models.CharField(_("quarter"), max_length=7)  # "2026Q4"
    framework = models.ForeignKey(
        "assessments.Framework", on_delete=models.CASCADE, related_name="+"
    )
    scope_key = models.CharField(max_length=255)
    data = models.JSONField()
    built_at = models.DateTimeField()

    class Meta:
        ordering = ["scope_key", "framework_id", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_key", "framework", "quarter"], name="uniq_analytics_snapshot"
            ),
        ]
        verbose_name = _("analytics snapshot")
        verbose_name_plural = _("analytics snapshots")

    def __str__(self) -> str:
        return f"{self.scope_key} {self.framework_id} {self.quarter}"


class SupplierReminder(models.Model):
    """The one reminder email a supplier may get in one ISO week.

    The row is the claim: the unique (supplier, week) constraint lets exactly one
    beat run (or worker) insert it, and only the run that inserted it enqueues the send,
    after its transaction commits. Sending then claims the row again with a
    conditional update (pending or failed -> sending), so a doubled task sends once; a
    failed send is recorded (``failed``, ``error``) and retried within the week up to
    ``GRADIENT_REMINDER_MAX_ATTEMPTS`` times. The supplier is its USCC, so that a
    supplier not registered yet (reminded at the invitation's contact email) counts too.
    """

    class Reason(models.TextChoices):
        # In order of urgency: the most urgent reason of the week gives the subject.
        DEADLINE_MISSED = "deadline_missed", _("A requirement's deadline has passed")
        DEADLINE_NEAR = "deadline_near", _("A requirement's deadline is near")
        INVITATION = "invitation", _("An invitation is unanswered")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, to be retried")
        SKIPPED = "skipped", _("Not sent")

    supplier_uscc = models.CharField(max_length=18)
    iso_week = models.CharField(max_length=8, help_text="2026-W48")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    # Every reason of the week, most urgent first (plain data the email is rendered from).
    items = models.JSONField(default=list)
    claim = models.UUIDField(db_index=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    recipients = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier_uscc", "iso_week"], name="one_supplier_reminder_a_week"
            ),
        ]
        indexes = [models.Index(fields=["iso_week", "state"])]
        verbose_name = _("supplier reminder")
        verbose_name_plural = _("supplier reminders")

    def __str__(self) -> str:
        return f"{self.supplier_uscc} {self.iso_week} {self.reason} ({self.state})"


class ExportJobQuerySet(models.QuerySet):
    def requested_by_user(self, user: object) -> ExportJobQuerySet:
        """The jobs `user` asked for, newest first; none for an anonymous visitor."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(requested_by=user).order_by("-created_at", "-id")

    def in_flight(self) -> ExportJobQuerySet:
        return self.filter(state__in=(ExportJob.State.QUEUED, ExportJob.State.RUNNING))


class ExportJob(models.Model):
    """One requested export (a CSV or xlsx file of rows a registered kind produces).

    The kind (reports/exports/) resolves the requester's scope and yields the rows; a
    Celery task (`reports.run_export`) claims the job with a conditional UPDATE, streams
    the rows to a temporary file batch by batch, updating `progress` after each batch,
    and stores the file under a fixed name, so a rerun overwrites rather than adds.
    """

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (xlsx)"

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(_("kind"), max_length=64)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    # The validated filters, as JSON (dates as ISO strings).
    params = models.JSONField(_("filters"), default=dict, blank=True)
    # What the requester's scope and filters covered when they asked, in their words.
    scope_description = models.TextField(_("scope"), blank=True)
    # The requester's language: headers and labels are written in it.
    language = models.CharField(max_length=16, default="zh-hans")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.FileField(
        upload_to="exports/", blank=True, max_length=255, storage=generated_storage_callable
    )
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Each claim increments it; a run writes only while the count is still its own.
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Touched after every batch: a running job whose heartbeat stopped lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"]),
            models.Index(fields=["state", "created_at"]),
        ]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"export {self.pk} {self.kind}.{self.format} ({self.state})"


class ChainStanding(models.Model):
    """An accepted supplier link as the bureaus' chain coverage counts it, worked out
    ahead so that coverage sums narrow rows instead of joining every link to its
    supplier and settled result and checking requirements one by one.

    ``framework`` 0 is the link itself (counted whatever the framework). A row per
    framework on which the supplier has a settled result or the anchor a requirement
    applying to the link says whether the supplier is ``assessed``, whether a
    requirement applies (``with_requirement``), whether it ``meets`` every one that
    applies (reports/requirements.py's rule), and the earliest deadline among those it
    does not meet (``unmet_deadline``: overdue once past). The anchor's and supplier's
    region codes are copied, for the scope.

    Written only by ``reports.analytics.standings``, which recomputes a link's rows
    whenever the link, its supplier's settled results, its anchor's requirements or
    either firm's region change (model signals, in the same transaction).
    """

    link = models.ForeignKey("enterprises.SupplierLink", on_delete=models.CASCADE, related_name="+")
    framework = models.IntegerField()
    anchor = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+"
    )
    anchor_region = models.CharField(max_length=6)
    supplier_region = models.CharField(max_length=6)
    assessed = models.BooleanField(default=False)
    with_requirement = models.BooleanField(default=False)
    meets = models.BooleanField(default=False)
    unmet_deadline = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "framework"], name="uniq_chain_standing"),
        ]
        verbose_name = _("chain standing")
        verbose_name_plural = _("chain standings")

    def __str__(self) -> str:
        return f"link {self.link_id} on {self.framework}"
