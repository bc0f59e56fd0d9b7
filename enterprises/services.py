"""Writes to enterprises, people and roles. Every function here is atomic and keyword-only."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

from .audit import REQUEST_USER, audit_record
from .errors import Conflict, ValidationFailed
from .models import (
    AssessmentOrganisation,
    Assessor,
    AuditAction,
    BureauScope,
    Cluster,
    Enterprise,
    Industry,
    Membership,
    Region,
    Role,
    SizeClass,
    User,
)

# 2017 statistical rules for industry (统计上大中小微型企业划分办法（2017）): large, medium
# and small must meet both lower bounds, otherwise the firm drops a class.
# Revenue in 10,000 yuan.
SIZE_THRESHOLDS: list[tuple[SizeClass, int, Decimal]] = [
    (SizeClass.LARGE, 1000, Decimal(40000)),
    (SizeClass.MEDIUM, 300, Decimal(2000)),
    (SizeClass.SMALL, 20, Decimal(300)),
]


def size_class_for(*, employees: int, revenue_10k_yuan: Decimal) -> SizeClass:
    for size_class, min_employees, min_revenue in SIZE_THRESHOLDS:
        if employees >= min_employees and revenue_10k_yuan >= min_revenue:
            return size_class
    return SizeClass.MICRO


def uscc_errors(value: str) -> list[str]:
    """Messages explaining why `value` is not a valid unified social credit code."""
    try:
        stdnum_uscc.validate(value)
    except InvalidChecksum:
        return [_("The check character of this unified social credit code is wrong.")]
    except ValidationError:
        return [
            _(
                "A unified social credit code has 18 characters from digits and "
                "capital letters except I, O, Z, S and V."
            )
        ]
    return []


def uscc_normalise(value: str) -> str:
    return stdnum_uscc.compact(value or "")


def _enterprise_field_errors(
    *,
    uscc: str,
    region_code: str,
    industry_code: str,
    employees: Any,
    revenue_10k_yuan: Any,
    exclude_pk: int | None = None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if messages := uscc_errors(uscc):
        errors["uscc"] = messages
    elif Enterprise.objects.filter(uscc=uscc).exclude(pk=exclude_pk).exists():
        errors["uscc"] = [_("An enterprise with this unified social credit code is registered.")]
    if not Region.objects.filter(code=region_code).exists():
        errors["region_code"] = [_("Unknown region code (GB/T 2260).")]
    if not Industry.objects.filter(code=industry_code).exists():
        errors["industry_code"] = [_("Unknown industry code (GB/T 4754-2017 division C13-C43).")]
    if not isinstance(employees, int) or employees < 0:
        errors["employees"] = [_("Enter a whole number of employees, zero or more.")]
    if not isinstance(revenue_10k_yuan, Decimal) or revenue_10k_yuan < 0:
        errors["revenue_10k_yuan"] = [_("Enter the revenue in 10,000 yuan, zero or more.")]
    return errors


def registration_errors(
    *,
    username: str,
    password: str,
    email: str,
    uscc: str,
    region_code: str,
    industry_code: str,
    employees: Any,
    revenue_10k_yuan: Any,
    cluster_codes: Iterable[str] = (),
) -> dict[str, list[str]]:
    """Every problem with a registration, keyed by field path (`enterprise.uscc`)."""
    uscc = uscc_normalise(uscc)
    errors: dict[str, list[str]] = {}
    if username and User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is taken.")]
    if not password:
        errors["password"] = [_("Enter a password.")]
    elif messages := _password_errors(password, username=username, email=email):
        errors["password"] = messages
    for key, messages in _enterprise_field_errors(
        uscc=uscc,
        region_code=region_code,
        industry_code=industry_code,
        employees=employees,
        revenue_10k_yuan=revenue_10k_yuan,
    ).items():
        errors[f"enterprise.{key}"] = messages
    cluster_codes = list(cluster_codes)
    if cluster_codes:
        known = set(Cluster.objects.filter(code__in=cluster_codes).values_list("code", flat=True))
        if unknown := sorted(set(cluster_codes) - known):
            errors["enterprise.clusters"] = [
                _("Unknown cluster: %(codes)s") % {"codes": ", ".join(unknown)}
            ]
    return errors


@transaction.atomic
def enterprise_register(
    *,
    username: str,
    password: str,
    email: str,
    name: str,
    uscc: str,
    region_code: str,
    industry_code: str,
    employees: int,
    revenue_10k_yuan: Decimal,
    cluster_codes: Iterable[str] = (),
) -> tuple[User, Enterprise, str]:
    """Create a person, their enterprise and their admin membership; return an API token.

    Raises ValidationFailed naming every bad field (`username`, `enterprise.uscc`, ...).
    """
    uscc = uscc_normalise(uscc)
    cluster_codes = list(cluster_codes)
    errors = registration_errors(
        username=username,
        password=password,
        email=email,
        uscc=uscc,
        region_code=region_code,
        industry_code=industry_code,
        employees=employees,
        revenue_10k_yuan=revenue_10k_yuan,
        cluster_codes=cluster_codes,
    )
    if errors:
        raise ValidationFailed(_("The registration has errors."), errors=errors)

    user = User.objects.create_user(username=username, email=email, password=password)
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(
                name=name,
                uscc=uscc,
                region_id=region_code,
                industry_id=industry_code,
                employees=employees,
                revenue_10k_yuan=revenue_10k_yuan,
                size_class=size_class_for(employees=employees, revenue_10k_yuan=revenue_10k_yuan),
            )
    except IntegrityError as exc:  # a concurrent registration of the same code won the race
        raise ValidationFailed(
            _("The registration has errors."),
            errors={
                "enterprise.uscc": [
                    _("An enterprise with this unified social credit code is registered.")
                ]
            },
        ) from exc
    if cluster_codes:
        enterprise.clusters.set(cluster_codes)
    Membership.objects.create(user=user, enterprise=enterprise, role=Role.ADMIN)
    token, _created = Token.objects.get_or_create(user=user)
    from .services_supply import supplier_links_attach  # services_supply imports this module

    supplier_links_attach(enterprise=enterprise)
    return user, enterprise, token.key


@transaction.atomic
def enterprise_update(
    *,
    enterprise: Enterprise,
    name: str,
    region_code: str,
    industry_code: str,
    employees: int,
    revenue_10k_yuan: Decimal,
    cluster_codes: Iterable[str],
) -> Enterprise:
    """Change an enterprise's profile. The USCC never changes once registered."""
    errors = _enterprise_field_errors(
        uscc=enterprise.uscc,
        region_code=region_code,
        industry_code=industry_code,
        employees=employees,
        revenue_10k_yuan=revenue_10k_yuan,
        exclude_pk=enterprise.pk,
    )
    if not name.strip():
        errors["name"] = [_("Enter the enterprise's name.")]
    if errors:
        raise ValidationFailed(_("The profile has errors."), errors=errors)
    enterprise.name = name.strip()
    enterprise.region_id = region_code
    enterprise.industry_id = industry_code
    enterprise.employees = employees
    enterprise.revenue_10k_yuan = revenue_10k_yuan
    enterprise.size_class = size_class_for(employees=employees, revenue_10k_yuan=revenue_10k_yuan)
    enterprise.save()
    enterprise.clusters.set(list(cluster_codes))
    return enterprise


def _lock_memberships(enterprise: Enterprise) -> list[Membership]:
    """Lock the enterprise's memberships so that two admins cannot demote each other at once."""
    return list(Membership.objects.select_for_update().filter(enterprise=enterprise))


def _check_last_admin(memberships: list[Membership], *, leaving: Membership) -> None:
    if leaving.role != Role.ADMIN:
        return
    admins = [m for m in memberships if m.role == Role.ADMIN]
    if len(admins) <= 1:
        raise Conflict(
            _("An enterprise must keep at least one administrator."),
            errors={"role": [_("This person is the last administrator.")]},
        )


@transaction.atomic
def membership_add(
    *,
    enterprise: Enterprise,
    username: str,
    role: str,
    email: str = "",
    password: str = "",
    actor: User | None = None,
) -> Membership:
    """Add a person to an enterprise with a role; audited as membership.added.

    An existing account is added as it is. For a username nobody holds yet, the
    admin gives an email and an initial password and the account is created.
    `actor` is the admin doing it (default: the signed-in user of the request).
    """
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [_("Choose a valid role.")]
    user = User.objects.filter(username=username).first()
    if user is None:
        if not email:
            errors["email"] = [_("No user has this username; give an email to create the account.")]
        if not password:
            errors["password"] = [
                _("No user has this username; give an initial password to create the account.")
            ]
        elif messages := _password_errors(password, username=username, email=email):
            errors["password"] = messages
    if errors:
        raise ValidationFailed(_("The member cannot be added."), errors=errors)
    account_created = user is None
    if user is None:
        user = User.objects.create_user(username=username, email=email, password=password)
    membership, created = Membership.objects.get_or_create(
        user=user, enterprise=enterprise, defaults={"role": role}
    )
    if not created:
        raise Conflict(
            _("This person is already a member."),
            errors={"username": [_("This person is already a member.")]},
        )
    audit_record(
        action=AuditAction.MEMBERSHIP_ADDED,
        actor=actor or REQUEST_USER,
        target=membership,
        enterprise=enterprise,
        details={"username": user.username, "role": role, "account_created": account_created},
    )
    return membership


@transaction.atomic
def membership_change_role(
    *, membership: Membership, role: str, actor: User | None = None
) -> Membership:
    """Give a member another role; audited as membership.role_changed when it changes.

    Raises Conflict when that would leave the enterprise without an administrator.
    """
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."), errors={"role": [_("Choose a valid role.")]})
    memberships = _lock_memberships(membership.enterprise)
    current = next(m for m in memberships if m.pk == membership.pk)
    if role != Role.ADMIN:
        _check_last_admin(memberships, leaving=current)
    previous = current.role
    if previous == role:
        return current
    current.role = role
    current.save(update_fields=["role"])
    audit_record(
        action=AuditAction.MEMBERSHIP_ROLE_CHANGED,
        actor=actor or REQUEST_USER,
        target=current,
        enterprise=current.enterprise_id,
        details={"username": membership.user.username, "from": previous, "to": role},
    )
    return current


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User | None = None) -> None:
    """Take a person out of an enterprise; audited as membership.removed."""
    memberships = _lock_memberships(membership.enterprise)
    current = next(m for m in memberships if m.pk == membership.pk)
    _check_last_admin(memberships, leaving=current)
    audit_record(
        action=AuditAction.MEMBERSHIP_REMOVED,
        actor=actor or REQUEST_USER,
        target=current,
        enterprise=current.enterprise_id,
        details={"username": membership.user.username, "role": current.role},
    )
    current.delete()


def _password_errors(password: str, *, username: str, email: str = "") -> list[str]:
    """Why AUTH_PASSWORD_VALIDATORS refuse `password` for this person (empty if they don't)."""
    try:
        validate_password(password, User(username=username, email=email))
    except DjangoValidationError as exc:
        return list(exc.messages)
    return []


def _user_create_or_update(*, username: str, password: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=password)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def bureau_officer_create(
    *,
    username: str,
    password: str,
    region_codes: Iterable[str],
    cluster_codes: Iterable[str] = (),
    bureau_name: str = "",
) -> BureauScope:
    """Create (or update) a bureau officer with a scope of regions and optional clusters."""
    region_codes = list(region_codes)
    cluster_codes = list(cluster_codes)
    errors: dict[str, list[str]] = {}
    if not region_codes:
        errors["region"] = [_("Give at least one region.")]
    known_regions = set(Region.objects.filter(code__in=region_codes).values_list("code", flat=True))
    if unknown := sorted(set(region_codes) - known_regions):
        errors["region"] = [_("Unknown region code: %(codes)s") % {"codes": ", ".join(unknown)}]
    known_clusters = set(
        Cluster.objects.filter(code__in=cluster_codes).values_list("code", flat=True)
    )
    if unknown := sorted(set(cluster_codes) - known_clusters):
        errors["cluster"] = [_("Unknown cluster: %(codes)s") % {"codes": ", ".join(unknown)}]
    if messages := _password_errors(password, username=username):
        errors["password"] = messages
    if errors:
        raise ValidationFailed(_("The officer cannot be created."), errors=errors)
    user = _user_create_or_update(username=username, password=password)
    scope, _created = BureauScope.objects.update_or_create(
        user=user, defaults={"bureau_name": bureau_name}
    )
    scope.regions.set(region_codes)
    scope.clusters.set(cluster_codes)
    return scope


@transaction.atomic
def assessor_create(*, username: str, password: str, organisation: str) -> Assessor:
    errors: dict[str, list[str]] = {}
    if not organisation.strip():
        errors["organisation"] = [_("Name the assessment organisation.")]
    if messages := _password_errors(password, username=username):
        errors["password"] = messages
    if errors:
        raise ValidationFailed(_("The assessor cannot be created."), errors=errors)
    org, _created = AssessmentOrganisation.objects.get_or_create(name=organisation.strip())
    user = _user_create_or_update(username=username, password=password)
    assessor, _created = Assessor.objects.update_or_create(
        user=user, defaults={"organisation": org}
    )
    return assessor
