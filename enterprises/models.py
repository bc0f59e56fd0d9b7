"""Who: enterprises, people, memberships and roles, bureaus and their scope, clusters,
regions and industries."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .querysets import AuditEventQuerySet, EnterpriseQuerySet, MembershipQuerySet

if TYPE_CHECKING:
    from django.db.models.manager import RelatedManager


class User(AbstractUser):
    """A person. Roles come from memberships, a bureau scope or an assessor profile."""

    if TYPE_CHECKING:
        memberships: RelatedManager[Membership]


class Region(models.Model):
    """A GB/T 2260 administrative division (province, city or district)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District or county")

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def prefix(self) -> str:
        """The code prefix shared by this region and everything inside it (3205 for 320500)."""
        return region_prefix(self.code)


def region_prefix(code: str) -> str:
    """320000 -> 32, 320500 -> 3205, 320505 -> 320505."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


class Industry(models.Model):
    """A GB/T 4754-2017 manufacturing division (C13-C43)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Cluster(models.Model):
    """An advanced manufacturing cluster; an editable table seeded with Jiangsu's."""

    code = models.SlugField(_("code"), max_length=64, primary_key=True)
    name = models.CharField(_("name"), max_length=128)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return self.name


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="+")
    employees = models.PositiveIntegerField(_("employees"))
    revenue_10k_yuan = models.DecimalField(
        _("annual revenue (10,000 yuan)"), max_digits=14, decimal_places=2
    )
    # Derived from employees and revenue by enterprises.services.size_class_for;
    # stored so that analytics can group by it in SQL.
    size_class = models.CharField(_("size class"), max_length=8, choices=SizeClass.choices)
    clusters = models.ManyToManyField(Cluster, blank=True, related_name="enterprises")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["region"]),
            models.Index(fields=["industry"]),
            # Lists in name order (the bureau's enterprise lists) read it and stop.
            models.Index(fields=["name", "id"], name="enterprise_name_id"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


# Roles ordered by what they may do: an admin may do all an editor may.
ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise_id", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "enterprise"], name="uniq_membership"),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise} ({self.role})"

    def allows(self, role: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]


class BureauScope(models.Model):
    """An industry-bureau officer's scope: regions (by code prefix) and optionally clusters.

    An enterprise is in scope when its region code starts with one of the prefixes
    and, if clusters are set, it belongs to at least one of them.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bureau_scope"
    )
    bureau_name = models.CharField(_("bureau"), max_length=200, blank=True)
    regions = models.ManyToManyField(Region, related_name="+")
    clusters = models.ManyToManyField(Cluster, blank=True, related_name="+")

    class Meta:
        verbose_name = _("bureau officer scope")
        verbose_name_plural = _("bureau officer scopes")

    def __str__(self) -> str:
        return f"{self.user} ({self.bureau_name})"

    def enterprise_filter(self) -> Q:
        """A Q object selecting the enterprises in this scope (two queries at most)."""
        prefixes = [region_prefix(code) for code in self.regions.values_list("code", flat=True)]
        if not prefixes:
            return Q(pk__in=[])
        region_q = Q()
        for prefix in prefixes:
            region_q |= Q(region__code__startswith=prefix)
        cluster_codes = list(self.clusters.values_list("code", flat=True))
        if cluster_codes:
            # A subquery rather than a join, so an enterprise in two clusters counts once.
            in_clusters = Enterprise.clusters.through.objects.filter(cluster_id__in=cluster_codes)
            region_q &= Q(pk__in=in_clusters.values("enterprise_id"))
        return region_q


class AssessmentOrganisation(models.Model):
    """A diagnosis service provider whose assessors review evidence."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("assessment organisation")
        verbose_name_plural = _("assessment organisations")

    def __str__(self) -> str:
        return self.name


class Assessor(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessor"
    )
    organisation = models.ForeignKey(
        AssessmentOrganisation, on_delete=models.PROTECT, related_name="assessors"
    )

    class Meta:
        verbose_name = _("assessor")
        verbose_name_plural = _("assessors")

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class SupplierLink(models.Model):
    """An anchor firm's link to one supplier, by USCC, with the supplier's consent state.

    `supplier` is null until an enterprise with `supplier_uscc` registers.
    """

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")

    anchor = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="supplier_links")
    supplier = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.CASCADE, related_name="anchor_links"
    )
    supplier_uscc = models.CharField(_("supplier's unified social credit code"), max_length=18)
    supplier_name = models.CharField(_("supplier's name"), max_length=200)
    contact_email = models.EmailField(_("contact email"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    tier = models.PositiveSmallIntegerField(_("tier"), default=1)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    consented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["anchor_id", "supplier_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["anchor", "supplier_uscc"], name="uniq_supplier_link_per_anchor"
            ),
        ]
        indexes = [models.Index(fields=["supplier_uscc"])]
        verbose_name = _("supplier link")
        verbose_name_plural = _("supplier links")

    def __str__(self) -> str:
        return f"{self.anchor} -> {self.supplier_name} ({self.status})"


class AuditAction(models.TextChoices):
    """What the audit log records. Codes are stable (filters and integrations use them)."""

    SIGN_IN_SUCCEEDED = "sign_in.succeeded", _("Signed in")
    SIGN_IN_FAILED = "sign_in.failed", _("Sign-in failed")
    MEMBERSHIP_ADDED = "membership.added", _("Member added")
    MEMBERSHIP_ROLE_CHANGED = "membership.role_changed", _("Role changed")
    MEMBERSHIP_REMOVED = "membership.removed", _("Member removed")
    ASSESSMENT_REVIEWED = "assessment.reviewed", _("Review decision")
    CERTIFICATE_REVOKED = "certificate.revoked", _("Certificate revoked")
    SUPPLIER_LINK_ACCEPTED = "supplier_link.accepted", _("Consent given")
    SUPPLIER_LINK_DECLINED = "supplier_link.declined", _("Invitation declined")
    SUPPLIER_LINK_REVOKED = "supplier_link.revoked", _("Consent withdrawn")
    EXPORT_REQUESTED = "export.requested", _("Export requested")


class AuditEvent(models.Model):
    """One sensitive action: who did what to which object, from where, and when.

    Written only by enterprises.audit.audit_record, inside the transaction of the
    action it records; never changed afterwards. `actor_username` keeps the name typed
    at a failed sign-in and survives the deletion of the account.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_username = models.CharField(_("actor's username"), max_length=150, blank=True)
    actor_ip = models.GenericIPAddressField(_("actor's IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    target_type = models.CharField(_("target type"), max_length=40, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["action", "-created_at"], name="audit_action_time"),
            models.Index(fields=["enterprise", "-created_at"], name="audit_enterprise_time"),
            models.Index(fields=["actor_username", "-created_at"], name="audit_actor_time"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.actor_username}"


class SupplierImportRejection(models.Model):
    """A rejected bulk import's problems, kept briefly for the person who uploaded the file.

    The rejection response names the problems; this row lets the same person download
    them as a sheet for a while (``GRADIENT_IMPORT_ERRORS_TTL_HOURS``). The primary key
    is a random token, and the download also checks the user, so nobody else (not even
    another administrator of the anchor) can fetch it. Older rows are purged whenever a
    new rejection is recorded.
    """

    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    anchor = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    file_errors = models.JSONField(default=list)
    # [{row, column, value, problem}], as supplier_import_problems returns them.
    problems = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("rejected supplier import")
        verbose_name_plural = _("rejected supplier imports")

    def __str__(self) -> str:
        return f"{self.anchor_id}: {self.filename} ({len(self.problems)})"


class ReminderPreference(models.Model):
    """A supplier's choice about reminder emails, keyed by its USCC.

    Keyed by code rather than by enterprise so that a supplier that is not registered
    yet (reminders go to an invitation's contact email) can opt out too, and the choice
    follows it when it registers. No row means: reminders on, in Chinese.
    """

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    supplier_uscc = models.CharField(
        _("supplier's unified social credit code"), max_length=18, unique=True
    )
    opted_out_at = models.DateTimeField(_("opted out at"), null=True, blank=True)
    language = models.CharField(
        _("email language"), max_length=8, choices=Language.choices, default=Language.ZH_HANS
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        state = "off" if self.opted_out_at else "on"
        return f"{self.supplier_uscc}: reminders {state} ({self.language})"
