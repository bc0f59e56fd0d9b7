"""Supply chains: an anchor firm's supplier links, invitations and the supplier's consent.

Writes are keyword-only and atomic. Consent is absolute: until a supplier's admin
accepts (and after a revoke) the anchor learns nothing but the link and its status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .audit import REQUEST_USER, audit_record
from .errors import Conflict, ValidationFailed
from .models import (
    AuditAction,
    Enterprise,
    ReminderPreference,
    SupplierImportRejection,
    SupplierLink,
    User,
)
from .services import uscc_errors, uscc_normalise
from .signals import supplier_links_changed

Status = SupplierLink.Status

# Which states each consent decision may leave from, and where it goes.
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "accept": ({Status.INVITED, Status.DECLINED}, Status.ACCEPTED),
    "decline": ({Status.INVITED}, Status.DECLINED),
    "revoke": ({Status.ACCEPTED}, Status.REVOKED),
}
AUDIT_ACTIONS: dict[str, AuditAction] = {
    "accept": AuditAction.SUPPLIER_LINK_ACCEPTED,
    "decline": AuditAction.SUPPLIER_LINK_DECLINED,
    "revoke": AuditAction.SUPPLIER_LINK_REVOKED,
}


# ---- invitations -------------------------------------------------------------------------


def registration_url(uscc: str) -> str:
    """The absolute registration address with the code filled in."""
    base = str(settings.GRADIENT_SITE_URL or "").rstrip("/")
    return f"{base}{reverse('register')}?{urlencode({'uscc': uscc})}"


def _send_invitation(link_id: int) -> None:
    """Email the supplier's contact an invitation to register (Chinese first)."""
    _send_invitations([link_id])


def _send_invitations(link_ids: list[int]) -> None:
    """Email each unregistered supplier's contact an invitation: one query, one
    connection to the mail server whatever the number of links."""
    links = SupplierLink.objects.select_related("anchor").filter(
        pk__in=link_ids, supplier__isnull=True
    )
    messages = [_invitation(link) for link in links if link.contact_email]
    if messages:
        get_connection().send_messages(messages)


def _invitation(link: SupplierLink) -> EmailMessage:
    with translation.override("zh-hans"):
        subject = _("%(anchor)s invites %(supplier)s to Gradient") % {
            "anchor": link.anchor.name,
            "supplier": link.supplier_name,
        }
        body = _(
            "%(anchor)s has added %(supplier)s as a supplier on Gradient, the smart-factory "
            "readiness platform.\n\n"
            "Register your enterprise with its unified social credit code %(uscc)s here:\n"
            "%(url)s\n\n"
            "After registering, your administrator decides whether to share your "
            "assessment results with %(anchor)s. Nothing is shared without that consent."
        ) % {
            "anchor": link.anchor.name,
            "supplier": link.supplier_name,
            "uscc": link.supplier_uscc,
            "url": registration_url(link.supplier_uscc),
        }
    return EmailMessage(subject, body, None, [link.contact_email])


@transaction.atomic
def supplier_invite(
    *,
    anchor: Enterprise,
    uscc: str,
    name: str,
    contact_email: str = "",
    tier: int | None = None,
    parent_id: int | None = None,
) -> SupplierLink:
    """Link `anchor` to the supplier with `uscc`.

    A registered supplier is linked at once (the request shows in its supplier-links
    list); otherwise the contact is emailed a registration link after the transaction
    commits and the link attaches when that code registers. Raises ValidationFailed
    naming every bad field.
    """
    uscc = uscc_normalise(uscc)
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    supplier: Enterprise | None = None
    if messages := uscc_errors(uscc):
        errors["uscc"] = messages
    elif uscc == anchor.uscc:
        errors["uscc"] = [_("An enterprise cannot be its own supplier.")]
    elif SupplierLink.objects.filter(anchor=anchor, supplier_uscc=uscc).exists():
        errors["uscc"] = [_("This supplier is already on your list.")]
    else:
        supplier = Enterprise.objects.filter(uscc=uscc).first()
        if supplier is None and not contact_email:
            errors["contact_email"] = [
                _("No enterprise with this code is registered yet: give an email to invite.")
            ]
    if not name and supplier is None:
        errors["name"] = [_("Enter the supplier's name.")]
    parent: SupplierLink | None = None
    if parent_id is not None:
        parent = SupplierLink.objects.filter(pk=parent_id, anchor=anchor).first()
        if parent is None:
            errors["parent"] = [_("Choose one of your own supplier links.")]
    if tier is not None and parent is not None and tier != parent.tier + 1:
        errors["tier"] = [
            _("A supplier of a tier-%(parent)d supplier is tier %(tier)d.")
            % {"parent": parent.tier, "tier": parent.tier + 1}
        ]
    if errors:
        raise ValidationFailed(_("The supplier cannot be invited."), errors=errors)
    if tier is None:
        tier = parent.tier + 1 if parent is not None else 1
    try:
        with transaction.atomic():
            link = SupplierLink.objects.create(
                anchor=anchor,
                supplier=supplier,
                supplier_uscc=uscc,
                supplier_name=name or (supplier.name if supplier else ""),
                contact_email=contact_email,
                status=Status.INVITED,
                tier=tier,
                parent=parent,
            )
    except IntegrityError as exc:  # a concurrent invitation of the same code won the race
        raise ValidationFailed(
            _("The supplier cannot be invited."),
            errors={"uscc": [_("This supplier is already on your list.")]},
        ) from exc
    if supplier is None:
        link_id = link.pk
        transaction.on_commit(lambda: _send_invitation(link_id))
    return link


def supplier_links_attach(*, enterprise: Enterprise) -> int:
    """Attach the invitations waiting for `enterprise`'s USCC; return how many.

    Call inside the registration's transaction.
    """
    return SupplierLink.objects.filter(supplier_uscc=enterprise.uscc, supplier__isnull=True).update(
        supplier=enterprise, updated_at=timezone.now()
    )


# ---- the anchor's own labels: tags, tier, parent --------------------------------------

TAGS_MAX = 20
TAG_MAX_LENGTH = 50
TIER_MAX = 99


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()
"""Marks a field the caller leaves as it is (None means "no parent")."""


def supplier_tags_clean(tags: Any) -> tuple[list[str], list[str]]:
    """Tags stripped, without blanks and repeats, in the given order; and the problems."""
    if not isinstance(tags, list | tuple) or any(not isinstance(t, str) for t in tags):
        return [], [_("Give the tags as a list of words.")]
    cleaned: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if tag and tag not in cleaned:
            cleaned.append(tag)
    problems = []
    if any(len(tag) > TAG_MAX_LENGTH for tag in cleaned):
        problems.append(_("A tag has at most %(max)d characters.") % {"max": TAG_MAX_LENGTH})
    if len(cleaned) > TAGS_MAX:
        problems.append(_("At most %(max)d tags per supplier.") % {"max": TAGS_MAX})
    return cleaned, problems


def _descendants(link: SupplierLink) -> list[list[int]]:
    """The link's suppliers by depth ([children ids], [grandchildren ids], ...): one
    query per level of the chain below it."""
    levels: list[list[int]] = []
    frontier = [link.pk]
    seen = {link.pk}
    while frontier:
        below = [
            pk
            for pk in SupplierLink.objects.filter(
                anchor_id=link.anchor_id, parent_id__in=frontier
            ).values_list("pk", flat=True)
            if pk not in seen
        ]
        if not below:
            break
        seen.update(below)
        levels.append(below)
        frontier = below
    return levels


@transaction.atomic
def supplier_link_update(
    *,
    link: SupplierLink,
    tags: list[str] | _Unset = UNSET,
    tier: int | _Unset = UNSET,
    parent_id: int | _Unset | None = UNSET,
) -> SupplierLink:
    """Set the anchor's labels of a link: its tags, its tier and its parent link.

    The parent must be another link of the same anchor and not one of the link's own
    suppliers; the tier of a link with a parent is the parent's tier + 1 (given, it
    must match; left out, it follows). The link's suppliers further down the chain
    move with it, keeping one tier per step. Raises ValidationFailed naming each bad
    field (``tags``, ``tier``, ``parent``). The caller has checked that the user
    administers the anchor; none of this touches the supplier's consent.
    """
    locked = SupplierLink.objects.select_for_update(of=("self",)).get(pk=link.pk)
    errors: dict[str, list[str]] = {}
    fields: list[str] = []
    if not isinstance(tags, _Unset):
        cleaned, problems = supplier_tags_clean(tags)
        if problems:
            errors["tags"] = problems
        else:
            locked.tags = cleaned
            fields.append("tags")
    descendants = _descendants(locked)
    parent: SupplierLink | None = None
    new_tier = locked.tier
    new_parent_id = locked.parent_id if isinstance(parent_id, _Unset) else parent_id
    if new_parent_id is not None:
        if isinstance(new_parent_id, bool) or not isinstance(new_parent_id, int):
            new_parent_id = 0  # matches no link: named below
        parent = SupplierLink.objects.filter(pk=new_parent_id, anchor_id=locked.anchor_id).first()
        below = {pk for level in descendants for pk in level}
        if parent is None:
            errors["parent"] = [_("Choose one of your own supplier links.")]
        elif parent.pk == locked.pk or parent.pk in below:
            errors["parent"] = [_("A supplier cannot deliver to itself or to its own suppliers.")]
    if not isinstance(tier, _Unset) and (
        isinstance(tier, bool) or not isinstance(tier, int) or not 1 <= tier <= TIER_MAX
    ):
        errors["tier"] = [_("Enter a tier from 1 to %(max)d.") % {"max": TIER_MAX}]
    elif "parent" not in errors:
        if parent is not None:
            expected = parent.tier + 1
            if not isinstance(tier, _Unset) and tier != expected:
                errors["tier"] = [
                    _("A supplier of a tier-%(parent)d supplier is tier %(tier)d.")
                    % {"parent": parent.tier, "tier": expected}
                ]
            new_tier = expected
        else:
            new_tier = locked.tier if isinstance(tier, _Unset) else tier
        if "tier" not in errors and new_tier + len(descendants) > TIER_MAX:
            errors["tier"] = [_("Enter a tier from 1 to %(max)d.") % {"max": TIER_MAX}]
    if errors:
        raise ValidationFailed(_("The supplier link cannot be changed."), errors=errors)
    if not isinstance(parent_id, _Unset):
        locked.parent = parent
        fields.append("parent")
    if new_tier != locked.tier:
        locked.tier = new_tier
        fields.append("tier")
        now = timezone.now()
        for depth, ids in enumerate(descendants, start=1):
            SupplierLink.objects.filter(pk__in=ids).update(tier=new_tier + depth, updated_at=now)
        moved = [pk for ids in descendants for pk in ids]
        if moved:
            supplier_links_changed.send(sender=SupplierLink, link_ids=moved)
    if fields:
        locked.save(update_fields=[*fields, "updated_at"])
    return locked


# ---- consent -----------------------------------------------------------------------------


@transaction.atomic
def _supplier_link_decide(
    *, link: SupplierLink, decision: str, actor: User | None = None
) -> SupplierLink:
    sources, target = TRANSITIONS[decision]
    locked = (
        SupplierLink.objects.select_for_update(of=("self",))
        .select_related("anchor", "supplier")
        .get(pk=link.pk)
    )
    if locked.status not in sources:
        raise Conflict(
            _("Not allowed while the link's status is “%(status)s”.")
            % {"status": locked.get_status_display()},
            errors={"status": [_("Not allowed from the link's current status.")]},
            extra={"status": locked.status},
        )
    previous = locked.status
    locked.status = target
    fields = ["status", "updated_at"]
    if target == Status.ACCEPTED:
        locked.consented_at = timezone.now()
        fields.append("consented_at")
    locked.save(update_fields=fields)
    audit_record(
        action=AUDIT_ACTIONS[decision],
        actor=actor or REQUEST_USER,
        target=locked,
        enterprise=locked.supplier_id,
        details={
            "anchor_id": locked.anchor_id,
            "anchor": locked.anchor.name,
            "from": previous,
            "to": target,
        },
    )
    return locked


# Each decision is audited (supplier_link.accepted / .declined / .revoked) in its
# transaction; `actor` is the supplier's admin (default: the request's signed-in user).


def supplier_link_accept(*, link: SupplierLink, actor: User | None = None) -> SupplierLink:
    """The supplier consents to share its results with the anchor (from invited or declined)."""
    return _supplier_link_decide(link=link, decision="accept", actor=actor)


def supplier_link_decline(*, link: SupplierLink, actor: User | None = None) -> SupplierLink:
    """The supplier refuses an invitation."""
    return _supplier_link_decide(link=link, decision="decline", actor=actor)


def supplier_link_revoke(*, link: SupplierLink, actor: User | None = None) -> SupplierLink:
    """The supplier withdraws its consent; the anchor stops seeing its results at once."""
    return _supplier_link_decide(link=link, decision="revoke", actor=actor)


# ---- bulk import -------------------------------------------------------------------------

IMPORT_COLUMNS: dict[str, str] = {
    "uscc": "uscc",
    "统一社会信用代码": "uscc",
    "name": "name",
    "企业名称": "name",
    "contact_email": "contact_email",
    "联系邮箱": "contact_email",
}
IMPORT_TEMPLATE_HEADERS = ["统一社会信用代码", "企业名称", "联系邮箱"]
IMPORT_MAX_ROWS = 5000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _import_failed(file_errors: list[str], rows: list[dict[str, Any]] | None = None) -> Exception:
    return ValidationFailed(
        _("The file cannot be imported: nothing was saved."),
        errors={"file": file_errors},
        extra={"rows": rows or []},
    )


def _read_table(content: bytes, filename: str) -> Any:
    """A pandas DataFrame of strings from an xlsx workbook or a UTF-8 or GBK CSV."""
    import io

    import pandas as pd

    if content[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        try:
            return pd.read_excel(
                io.BytesIO(content), dtype=str, keep_default_na=False, engine="openpyxl"
            )
        except Exception as exc:
            raise _import_failed([_("This is not a readable xlsx workbook.")]) from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except pd.errors.EmptyDataError:
            raise _import_failed([_("The file is empty.")]) from None
        except Exception as exc:
            raise _import_failed([_("This is not a readable CSV file.")]) from exc
    raise _import_failed([_("Save the CSV file as UTF-8 or GBK.")])


def supplier_import_rows(*, content: bytes, filename: str) -> list[dict[str, Any]]:
    """The file's rows as {uscc, name, contact_email}, with its row number (header is 1).

    Raises ValidationFailed (errors["file"]) for an unreadable file or missing columns.
    """
    frame = _read_table(content, filename)
    rename: dict[str, str] = {}
    for column in frame.columns:
        key = IMPORT_COLUMNS.get(str(column).strip().lower()) or IMPORT_COLUMNS.get(
            str(column).strip()
        )
        if key and key not in rename.values():
            rename[column] = key
    missing = [c for c in ("uscc", "name", "contact_email") if c not in rename.values()]
    if missing:
        raise _import_failed(
            [
                _("Missing columns: %(columns)s (use the template).")
                % {"columns": ", ".join(missing)}
            ]
        )
    frame = frame.rename(columns=rename)[["uscc", "name", "contact_email"]]
    if frame.empty:
        raise _import_failed([_("The file has no supplier rows.")])
    if len(frame) > IMPORT_MAX_ROWS:
        raise _import_failed(
            [_("Import at most %(count)d suppliers at a time.") % {"count": IMPORT_MAX_ROWS}]
        )
    rows: list[dict[str, Any]] = []
    for number, record in enumerate(frame.to_dict("records"), start=2):
        rows.append(
            {
                "row": number,
                "uscc": uscc_normalise(str(record["uscc"]).strip()),
                "name": str(record["name"]).strip(),
                "contact_email": str(record["contact_email"]).strip(),
            }
        )
    return rows


def supplier_import_problems(
    *, anchor: Enterprise, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Every problem of every row, as {row, column, problem}; empty when all rows are fine."""
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.core.validators import validate_email

    problems: list[dict[str, Any]] = []

    def problem(row: dict[str, Any], column: str, message: str) -> None:
        problems.append(
            {"row": row["row"], "column": column, "value": row[column], "problem": str(message)}
        )

    codes = [row["uscc"] for row in rows if row["uscc"]]
    existing = set(
        SupplierLink.objects.filter(anchor=anchor, supplier_uscc__in=codes).values_list(
            "supplier_uscc", flat=True
        )
    )
    registered = set(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", flat=True))
    first_row: dict[str, int] = {}
    for row in rows:
        uscc = row["uscc"]
        if not uscc:
            problem(row, "uscc", _("Enter the unified social credit code."))
        elif messages := uscc_errors(uscc):
            problem(row, "uscc", messages[0])
        elif uscc == anchor.uscc:
            problem(row, "uscc", _("An enterprise cannot be its own supplier."))
        elif uscc in first_row:
            problem(
                row,
                "uscc",
                _("The same code is on row %(row)d.") % {"row": first_row[uscc]},
            )
        elif uscc in existing:
            problem(row, "uscc", _("This supplier is already on your list."))
        if uscc and uscc not in first_row:
            first_row[uscc] = row["row"]
        if not row["name"]:
            problem(row, "name", _("Enter the supplier's name."))
        if not row["contact_email"]:
            if uscc not in registered:
                problem(row, "contact_email", _("Enter a contact email."))
        else:
            try:
                validate_email(row["contact_email"])
            except DjangoValidationError:
                problem(row, "contact_email", _("Enter a valid email address."))
    return problems


@transaction.atomic
def supplier_import(*, anchor: Enterprise, content: bytes, filename: str) -> list[SupplierLink]:
    """Invite every supplier in the file, or none: the file is validated whole first.

    Raises ValidationFailed with errors["file"] and extra["rows"] ({row, column,
    problem}) naming every problem. Invitation emails go out after the commit.
    """
    rows = supplier_import_rows(content=content, filename=filename)
    problems = supplier_import_problems(anchor=anchor, rows=rows)
    if problems:
        raise _import_failed(
            [
                _(
                    "Rows with problems: %(rows)d; problems: %(count)d. "
                    "Correct them and import again."
                )
                % {"count": len(problems), "rows": len({p["row"] for p in problems})}
            ],
            problems,
        )
    # Every row passed the checks supplier_invite makes, so the links go in bulk: one
    # lookup of the registered codes and one insert per thousand rows.
    registered = {
        enterprise.uscc: enterprise
        for enterprise in Enterprise.objects.filter(uscc__in=[row["uscc"] for row in rows])
    }
    links = [
        SupplierLink(
            anchor=anchor,
            supplier=registered.get(row["uscc"]),
            supplier_uscc=row["uscc"],
            supplier_name=row["name"],
            contact_email=row["contact_email"],
            status=Status.INVITED,
            tier=1,
        )
        for row in rows
    ]
    try:
        with transaction.atomic():
            SupplierLink.objects.bulk_create(links, batch_size=1000)
    except IntegrityError as exc:  # a concurrent invitation got in between
        raise _import_failed([_("This supplier is already on your list.")]) from exc
    waiting = [link.pk for link in links if link.supplier_id is None]
    if waiting:
        transaction.on_commit(lambda: _send_invitations(waiting))
    return links


def supplier_import_template() -> bytes:
    """An empty xlsx workbook with the import's column headers."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "suppliers"
    sheet.append(IMPORT_TEMPLATE_HEADERS)
    for column, width in zip("ABC", (24, 36, 30), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- a rejected import's problems as a sheet ----------------------------------------------

# The sheet's headers and column names are Chinese whatever the page language: the sheet
# goes back to whoever fills in the (Chinese) template.
ERRORS_SHEET_HEADERS = ["行号", "列", "原值", "问题"]
ERRORS_SHEET_COLUMNS = {
    "uscc": "统一社会信用代码",
    "name": "企业名称",
    "contact_email": "联系邮箱",
    "file": "文件",
}
# A spreadsheet treats a cell beginning with one of these as a formula (or, for the
# controls, may after an edit): such text is written with a leading apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def import_errors_ttl() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "GRADIENT_IMPORT_ERRORS_TTL_HOURS", 24)))


@transaction.atomic
def supplier_import_rejection_record(
    *, anchor: Enterprise, user: User, error: ValidationFailed, filename: str = ""
) -> SupplierImportRejection:
    """Keep a rejected import's problems for `user` to download as a sheet.

    Call after the import's own transaction has rolled back. Rows older than the
    time to live are purged here, so the table stays small without a schedule.
    """
    SupplierImportRejection.objects.filter(
        created_at__lt=timezone.now() - import_errors_ttl()
    ).delete()
    return SupplierImportRejection.objects.create(
        anchor=anchor,
        user=user,
        filename=(filename or "")[:255],
        file_errors=[str(message) for message in error.errors.get("file", [])],
        problems=list(error.extra.get("rows") or []),
    )


def sheet_text(value: Any) -> Any:
    """A value safe to write into a cell: numbers as they are; text with the characters
    a workbook refuses removed and a leading apostrophe if it could start a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, int | float):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def supplier_import_errors_sheet(rejection: SupplierImportRejection) -> bytes:
    """The rejection as an xlsx workbook: one row per problem (row, column, value, problem);
    problems with the file as a whole come first, without a row number."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "导入问题"
    sheet.append(ERRORS_SHEET_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for message in rejection.file_errors:
        sheet.append(["", ERRORS_SHEET_COLUMNS["file"], "", sheet_text(message)])
    for problem in rejection.problems:
        column = str(problem.get("column", ""))
        sheet.append(
            [
                sheet_text(problem.get("row")),
                ERRORS_SHEET_COLUMNS.get(column, sheet_text(column)),
                sheet_text(problem.get("value", "")),
                sheet_text(problem.get("problem", "")),
            ]
        )
    for column, width in zip("ABCD", (8, 20, 30, 60), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- reminder emails: opting out and back in ------------------------------------------------

REMINDER_OPT_OUT_SALT = "gradient.supply-reminders.opt-out"


def reminder_preference_of(uscc: str) -> ReminderPreference:
    """The supplier's stored choice, or the default (reminders on, in Chinese) unsaved."""
    found = ReminderPreference.objects.filter(supplier_uscc=uscc).first()
    return found or ReminderPreference(supplier_uscc=uscc)


def reminder_opt_out_token(uscc: str) -> str:
    """A signed token naming the supplier, for the opt-out link of its reminder emails.

    It does not expire: an old email's link must keep working. It grants nothing but
    stopping reminders for that one code.
    """
    return signing.dumps({"uscc": uscc}, salt=REMINDER_OPT_OUT_SALT, compress=True)


def reminder_opt_out_uscc(token: str) -> str | None:
    """The supplier's code in a valid opt-out token, or None for a forged or broken one."""
    try:
        data = signing.loads(token, salt=REMINDER_OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    uscc = data.get("uscc") if isinstance(data, dict) else None
    return uscc if isinstance(uscc, str) and uscc else None


def reminder_opt_out_url(uscc: str) -> str:
    base = str(settings.GRADIENT_SITE_URL or "").rstrip("/")
    return base + reverse("reminder-opt-out", kwargs={"token": reminder_opt_out_token(uscc)})


def _preference_update(uscc: str, **fields: Any) -> ReminderPreference:
    """Create or update the supplier's preference; a concurrent creator is waited for."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                preference, created = ReminderPreference.objects.select_for_update().get_or_create(
                    supplier_uscc=uscc, defaults=fields
                )
                if not created:
                    for name, value in fields.items():
                        setattr(preference, name, value)
                    preference.save(update_fields=[*fields, "updated_at"])
                return preference
        except IntegrityError:  # another request created it between our read and insert
            continue
    raise Conflict(_("The reminder settings changed meanwhile: try again."))


def reminder_opt_out(*, uscc: str) -> ReminderPreference:
    """Stop reminder emails to the supplier with `uscc` (idempotent: keeps the first time)."""
    current = reminder_preference_of(uscc)
    if current.pk is not None and current.opted_out_at is not None:
        return current
    return _preference_update(uscc, opted_out_at=timezone.now())


def reminder_preference_set(
    *, enterprise: Enterprise, enabled: bool, language: str
) -> ReminderPreference:
    """An administrator's choice: reminders on or off, and the language they come in."""
    if language not in ReminderPreference.Language.values:
        raise ValidationFailed(
            _("The reminder settings cannot be saved."),
            errors={"language": [_("Choose Chinese or English.")]},
        )
    current = reminder_preference_of(enterprise.uscc)
    opted_out_at = None if enabled else (current.opted_out_at or timezone.now())
    return _preference_update(enterprise.uscc, opted_out_at=opted_out_at, language=language)
