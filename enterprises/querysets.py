"""Chainable read vocabulary for enterprises and memberships."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from .models import User


class EnterpriseQuerySet(models.QuerySet):
    def of_member(self, user: User | Any, role: str | None = None) -> EnterpriseQuerySet:
        """Enterprises where `user` holds a membership (of at least `role`, if given)."""
        from .models import ROLE_RANK, Role

        if not getattr(user, "is_authenticated", False):
            return self.none()
        roles = [r for r in Role if role is None or ROLE_RANK[r] >= ROLE_RANK[Role(role)]]
        return self.filter(memberships__user=user, memberships__role__in=roles)

    def in_scope_of(self, user: User | Any) -> EnterpriseQuerySet:
        """Enterprises inside a bureau officer's scope; none for anyone else."""
        scope = getattr(user, "bureau_scope", None) if user.is_authenticated else None
        if scope is None:
            return self.none()
        return self.filter(scope.enterprise_filter())

    def with_related(self) -> EnterpriseQuerySet:
        return self.select_related("region", "industry").prefetch_related("clusters")

    def with_anchor_flag(self) -> EnterpriseQuerySet:
        """Annotate `is_anchor`: the enterprise has at least one accepted supplier."""
        from .models import SupplierLink

        accepted = SupplierLink.objects.filter(
            anchor=models.OuterRef("pk"), status=SupplierLink.Status.ACCEPTED
        )
        return self.annotate(is_anchor=models.Exists(accepted))


class MembershipQuerySet(models.QuerySet):
    def admins(self) -> MembershipQuerySet:
        return self.filter(role="admin")


class AuditEventQuerySet(models.QuerySet):
    def with_related(self) -> AuditEventQuerySet:
        return self.select_related("actor", "enterprise")

    def filtered(
        self,
        *,
        action: str = "",
        actor: str = "",
        enterprise_id: int | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> AuditEventQuerySet:
        """Events matching every filter given: an action code, an actor's username (as
        typed at sign-in, case-insensitive), an enterprise, and a range of local dates
        (both ends included)."""
        qs = self
        if action:
            qs = qs.filter(action=action)
        if actor:
            qs = qs.filter(actor_username__iexact=actor)
        if enterprise_id is not None:
            qs = qs.filter(enterprise_id=enterprise_id)
        if since is not None:
            qs = qs.filter(created_at__gte=_local_midnight(since))
        if until is not None:
            qs = qs.filter(created_at__lt=_local_midnight(until + timedelta(days=1)))
        return qs


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
