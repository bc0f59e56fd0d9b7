"""What is asked and how it scores: frameworks as versioned data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Framework(models.Model):
    """A family of framework versions sharing a stable code (e.g. sme-digital-level-2024)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return f"{self.code} ({self.title})"


class FrameworkVersionQuerySet(models.QuerySet):
    def published(self) -> FrameworkVersionQuerySet:
        return self.filter(status=FrameworkVersion.Status.PUBLISHED)

    def latest_published(self, code: str) -> FrameworkVersion | None:
        """The latest published version of `code`, its document deferred: the compiled
        form (assessments.selectors.compiled_framework) is cached per process, so most
        callers never need the hundreds of KB of JSON and YAML, which load on first use."""
        return (
            self.published()
            .select_related("framework")
            .defer("definition", "source")
            .filter(framework__code=code)
            .order_by("-published_at", "-id")
            .first()
        )


class FrameworkVersion(models.Model):
    """One version of a framework: a validated YAML document.

    Versions go draft -> published -> retired. A published or retired version never
    changes and cannot be deleted; database triggers (migration 0002) enforce this
    beneath the ORM and the admin.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(_("version"), max_length=32)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # The parsed document (what the engine reads) and the exact text imported (what
    # export_framework writes back, comments included).
    definition = models.JSONField(_("definition"))
    source = models.TextField(_("source YAML"))
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = FrameworkVersionQuerySet.as_manager()

    class Meta:
        ordering = ["framework__code", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "version"], name="uniq_framework_version"),
        ]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")

    def __str__(self) -> str:
        return f"{self.framework.code} {self.version} ({self.status})"


class AssessmentQuerySet(models.QuerySet):
    def open_drafts(self) -> AssessmentQuerySet:
        return self.filter(status=Assessment.Status.DRAFT)

    def scored(self) -> AssessmentQuerySet:
        return self.exclude(result__isnull=True)

    def with_version(self) -> AssessmentQuerySet:
        """Join the framework version without its document (hundreds of KB of JSON and
        YAML): the engine's compiled form is cached per version, so hot paths such as an
        answer write never need to transfer or decode it."""
        return self.select_related(
            "framework", "framework_version", "framework_version__framework"
        ).defer("framework_version__definition", "framework_version__source")


class Assessment(models.Model):
    """One enterprise's assessment on one framework version.

    A draft takes answers; submission freezes them into `answers_snapshot` and stores
    the engine's `result`. After that nothing about the answers changes.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_REVIEW = "pending_review", _("Pending review")
        SUBMITTED = "submitted", _("Submitted")
        CONFIRMED = "confirmed", _("Confirmed by review")
        RETURNED = "returned", _("Returned for changes")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="assessments"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        "enterprises.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "enterprises.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pledge_accepted_at = models.DateTimeField(null=True, blank=True)
    answers_snapshot = models.JSONField(null=True, blank=True)
    # The engine's result (plain data) and its headline figures, for SQL aggregation.
    result = models.JSONField(null=True, blank=True)
    engine_version = models.CharField(max_length=16, blank=True)
    total = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    level_code = models.CharField(_("self-assessed level"), max_length=32, blank=True)
    confirmed_level_code = models.CharField(_("confirmed level"), max_length=32, blank=True)
    returned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "framework"],
                condition=models.Q(status="draft"),
                name="one_open_draft_per_enterprise_and_framework",
            ),
        ]
        indexes = [
            models.Index(fields=["framework", "status"]),
            models.Index(fields=["enterprise", "framework", "-submitted_at"]),
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"#{self.pk} {self.enterprise_id} {self.framework_version_id} ({self.status})"


class Answer(models.Model):
    """The current answer to one question of a draft. `revision` counts its writes."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question_key = models.CharField(max_length=64)
    value = models.JSONField(null=True)
    revision = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        "enterprises.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment_id", "question_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_key"], name="uniq_answer_per_question"
            ),
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.question_key}@{self.revision}"


class AnswerRevision(models.Model):
    """Every write to an answer: who, when, the value before and after."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answer_revisions"
    )
    question_key = models.CharField(max_length=64)
    revision = models.PositiveIntegerField()
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)
    user = models.ForeignKey(
        "enterprises.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment_id", "question_key", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_key", "revision"], name="uniq_answer_revision"
            ),
        ]
        verbose_name = _("answer revision")
        verbose_name_plural = _("answer revisions")

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.question_key} r{self.revision}"


class Evidence(models.Model):
    """A file attached to a question, stored outside the web root under a random name."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    question_key = models.CharField(max_length=64)
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        "enterprises.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment_id", "question_key", "uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class ReviewDecision(models.Model):
    """One step in an assessment's history: submission, confirmation, return."""

    class Decision(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        CONFIRM = "confirm", _("Confirmed")
        CONFIRM_LOWER = "confirm_lower", _("Confirmed at a lower level")
        RETURN = "return", _("Returned")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    level_code = models.CharField(max_length=32, blank=True)
    comment = models.TextField(blank=True)
    user = models.ForeignKey(
        "enterprises.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment_id", "created_at", "id"]
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.decision}"


# How many dimension scores a settled result keeps (SettledResult.dimension_1 ...), and
# how many gates of a level its ``missed_gates`` bits can name.
DIMENSION_SLOTS = 16
GATE_BITS = 63


class SettledResult(models.Model):
    """An enterprise's standing on a framework: its latest settled assessment.

    Settled means final: ``submitted`` (a self-assessed level that needs no review) or
    ``confirmed`` by review. ``level_code`` is the effective level (the confirmed level,
    else the self-assessed one; "" below the first level) and ``level_rank`` its place
    (0 below the first level, 1 for the lowest). ``dimension_1`` ... ``dimension_16``
    hold the dimension scores in the order of the version's dimensions, and bit ``i`` of
    ``missed_gates`` is set when gate ``i`` of the next level (the one above
    ``level_code``) is not met: plain columns, so that means and gate counts aggregate in
    SQL without reading result documents (a version's dimensions beyond the 16th and a
    level's gates beyond the 63rd are not kept). One row per enterprise and framework.
    Written only by ``assessments.services.settled``, which the services that store
    results call; rebuild with ``manage.py rebuild_settled_results`` after writing
    assessments in bulk outside them.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="settled_results"
    )
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="+")
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="+"
    )
    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="settled_result"
    )
    level_code = models.CharField(max_length=32, blank=True)
    level_rank = models.PositiveSmallIntegerField(default=0)
    total = models.DecimalField(max_digits=10, decimal_places=3)
    percent = models.FloatField(null=True, help_text="Total as a percent of the maximum.")
    missed_gates = models.BigIntegerField(
        default=0, help_text="Bit i: gate i of the next level is not met."
    )
    dimension_1 = models.FloatField(null=True, blank=True)
    dimension_2 = models.FloatField(null=True, blank=True)
    dimension_3 = models.FloatField(null=True, blank=True)
    dimension_4 = models.FloatField(null=True, blank=True)
    dimension_5 = models.FloatField(null=True, blank=True)
    dimension_6 = models.FloatField(null=True, blank=True)
    dimension_7 = models.FloatField(null=True, blank=True)
    dimension_8 = models.FloatField(null=True, blank=True)
    dimension_9 = models.FloatField(null=True, blank=True)
    dimension_10 = models.FloatField(null=True, blank=True)
    dimension_11 = models.FloatField(null=True, blank=True)
    dimension_12 = models.FloatField(null=True, blank=True)
    dimension_13 = models.FloatField(null=True, blank=True)
    dimension_14 = models.FloatField(null=True, blank=True)
    dimension_15 = models.FloatField(null=True, blank=True)
    dimension_16 = models.FloatField(null=True, blank=True)
    settled_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "enterprise"], name="uniq_settled_result_per_framework"
            ),
        ]
        verbose_name = _("settled result")
        verbose_name_plural = _("settled results")

    def __str__(self) -> str:
        return f"{self.enterprise_id}:{self.framework_id} {self.level_code or '-'}"


class AssessmentShare(models.Model):
    """A supplier's explicit consent to let one anchor firm read one settled assessment's
    raw answers and evidence.

    Consent to the link (SupplierLink) covers levels, scores and plan progress only;
    answers and evidence need this second, per-assessment consent. A share counts only
    while the link is accepted and was made during the current acceptance
    (``created_at`` not before the link's ``consented_at``): revoking the link hides
    every share at once, and accepting again does not bring old shares back.
    assessments.access decides; assessments.services.shares writes.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="shares")
    link = models.ForeignKey(
        "enterprises.SupplierLink", on_delete=models.CASCADE, related_name="assessment_shares"
    )
    shared_by = models.ForeignKey(
        "enterprises.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("shared at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "link"], name="uniq_assessment_share"),
        ]
        verbose_name = _("shared assessment")
        verbose_name_plural = _("shared assessments")

    def __str__(self) -> str:
        return f"{self.assessment_id} -> link {self.link_id}"


# In a SettledCell: the framework and version of a row counting enterprises (not their
# results), the level code of such a row, and the gate of a row counting levels.
CELL_ENTERPRISES = 0
CELL_NOT_A_LEVEL = "-"
CELL_NO_GATE = -1
# What names a SettledCell (unique together).
CELL_KEY_FIELDS = (
    "framework",
    "city",
    "industry",
    "size_class",
    "cluster",
    "version",
    "level_code",
    "gate",
)


class SettledCell(models.Model):
    """Enterprises and their settled results counted by city, industry, size class and
    cluster: what the bureau dashboards sum instead of scanning every enterprise.

    A row's key is (framework, city, industry, size class, cluster, version, level
    code, gate). ``city`` is the first four digits of the enterprise's region code;
    ``cluster`` is "" in rows that count every enterprise once, and a cluster's code in
    rows that count its members (an enterprise in two clusters is in both, and in the
    "" rows once). Three kinds of row:

    - framework and version 0, level "-", gate -1: ``n`` enterprises registered;
    - gate -1: ``n`` settled results at ``level_code`` on that framework version, with
      the sum and count of their percents and the sum of each dimension column;
    - gate ``i`` >= 0: ``n`` of those results missing gate ``i`` of the next level.

    Kept in the transaction of every change it counts, by increments (so concurrent
    writers add up): settled results by ``assessments.services.settled``, enterprises,
    their profiles and cluster memberships by ``assessments.services.cells`` through
    model signals. A count that falls to 0 leaves its row at 0 (readers skip it).
    ``manage.py rebuild_settled_results`` rebuilds it from the rows, and beat does
    nightly.
    """

    framework = models.IntegerField()
    city = models.CharField(max_length=4)
    industry = models.CharField(max_length=4)
    size_class = models.CharField(max_length=8)
    cluster = models.CharField(max_length=64, blank=True)
    version = models.IntegerField()
    level_code = models.CharField(max_length=32, blank=True)
    gate = models.SmallIntegerField()
    n = models.BigIntegerField(default=0)
    percent_sum = models.FloatField(default=0)
    percent_n = models.BigIntegerField(default=0)
    dimension_1 = models.FloatField(default=0)
    dimension_2 = models.FloatField(default=0)
    dimension_3 = models.FloatField(default=0)
    dimension_4 = models.FloatField(default=0)
    dimension_5 = models.FloatField(default=0)
    dimension_6 = models.FloatField(default=0)
    dimension_7 = models.FloatField(default=0)
    dimension_8 = models.FloatField(default=0)
    dimension_9 = models.FloatField(default=0)
    dimension_10 = models.FloatField(default=0)
    dimension_11 = models.FloatField(default=0)
    dimension_12 = models.FloatField(default=0)
    dimension_13 = models.FloatField(default=0)
    dimension_14 = models.FloatField(default=0)
    dimension_15 = models.FloatField(default=0)
    dimension_16 = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=list(CELL_KEY_FIELDS), name="uniq_settled_cell"),
        ]
        verbose_name = _("settled cell")
        verbose_name_plural = _("settled cells")

    def __str__(self) -> str:
        return (
            f"{self.framework}/{self.city}/{self.industry}/{self.size_class}/{self.cluster}"
            f"/{self.version}/{self.level_code}/{self.gate}: {self.n}"
        )
