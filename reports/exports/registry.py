"""The registry of export kinds.

Adding a kind is one file. Put a module in ``reports/exports/kinds/`` (it is imported
when the app starts) with::

    from django import forms
    from django.utils.translation import gettext_lazy as _

    from enterprises.errors import Forbidden
    from reports.exports.registry import ExportKind, ExportSource, register

    class SupplierFilters(forms.Form):          # the filters, validated per requester
        tier = forms.IntegerField(required=False, min_value=1)

        def __init__(self, *args, user, **kwargs):
            super().__init__(*args, **kwargs)

    @register
    class AnchorSuppliersExport(ExportKind):
        code = "anchor.suppliers"              # stable: stored on jobs, sent by API clients
        label = _("Suppliers and their levels")
        filter_form_class = SupplierFilters

        def authorise(self, user):             # raise the project's domain errors
            if not ...:
                raise Forbidden(_("Only an anchor firm's administrators may ..."))

        def describe(self, user, filters):     # what the requester's scope covers, in words
            return ...

        def source(self, user, filters):       # resolves the scope again when the job runs
            return SupplierRows(...)           # an ExportSource

An :class:`ExportSource` gives the translated headers, the number of rows, and the rows
in batches (lists of tuples, one value per header) with bounded memory: read narrow
``values_list`` pages by keyset (``pk > last ORDER BY pk``) or ``.iterator(chunk_size=)``,
and a constant number of queries per batch, never one per row. Values are plain Python
(str, int, float, Decimal, bool, None); the writers escape text that a spreadsheet
could take for a formula, so a kind never has to.

Authorisation that depends on a filter (an anchor firm's own supplier list, say) goes
in two places: the form's choices (only what the requester may export validates, so a
request for another tenant's data is a 400 naming the filter) and ``source``, through
the entity's access function (``enterprise_get_for(user, filters["anchor"], ...)``),
so that a job whose requester lost the right fails instead of writing a file.

The job runs in the requester's language (headers, labels) and calls
``authorise`` again before ``source``, so an officer who lost their scope gets a failed
job, not a file. ``filters`` reaches ``describe`` and ``source`` as plain JSON data:
dates as ISO strings, choices as their values (see :func:`clean_filters`).
"""

from __future__ import annotations

import datetime
import importlib
import pkgutil
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, ClassVar, Protocol

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from enterprises.errors import DomainError, ValidationFailed

Row = Sequence[Any]


class ExportSource(Protocol):
    """The rows of one export, resolved for one requester."""

    def headers(self) -> list[str]:
        """Column headers in the active language."""
        ...

    def count(self) -> int:
        """How many rows `batches` will yield (one query)."""
        ...

    def batches(self, size: int) -> Iterator[list[Row]]:
        """The rows, at most `size` per list, a bounded number of queries per batch."""
        ...


class ExportKind:
    """What one kind of export declares. Subclass, set the class attributes, register."""

    code: ClassVar[str]
    label: ClassVar[str | Promise]
    description: ClassVar[str | Promise] = ""
    # A Django form whose __init__ takes a keyword `user` (choices may depend on scope).
    filter_form_class: ClassVar[type[forms.Form]]
    formats: ClassVar[tuple[str, ...]] = ("csv", "xlsx")

    def authorise(self, user: Any) -> None:
        """Raise Forbidden (or another DomainError) unless `user` may request this kind."""
        raise NotImplementedError

    def allowed(self, user: Any) -> bool:
        """Whether `user` may request this kind (for menus and forms; never raises)."""
        if not getattr(user, "is_authenticated", False):
            return False
        try:
            self.authorise(user)
        except DomainError:
            return False
        return True

    def filter_form(self, user: Any, data: Any = None, **kwargs: Any) -> forms.Form:
        return self.filter_form_class(data, user=user, **kwargs)  # type: ignore[call-arg]

    def describe(self, user: Any, filters: dict[str, Any]) -> str:
        """The scope and filters in words, kept on the job (the requester's language)."""
        raise NotImplementedError

    def source(self, user: Any, filters: dict[str, Any]) -> ExportSource:
        """The rows for `user`: the scope is resolved from the user here, at run time."""
        raise NotImplementedError

    def file_stem(self) -> str:
        """The download name's stem (ASCII): the code with dots as dashes."""
        return self.code.replace(".", "-").replace("_", "-")


_REGISTRY: dict[str, ExportKind] = {}


def register(cls: type[ExportKind]) -> type[ExportKind]:
    """Class decorator: make `cls` requestable under `cls.code`."""
    code = getattr(cls, "code", "")
    if not code or len(code) > 64:
        raise ImproperlyConfigured(f"{cls.__name__} needs a code of 1-64 characters")
    existing = _REGISTRY.get(code)
    if existing is not None and type(existing).__qualname__ != cls.__qualname__:
        raise ImproperlyConfigured(f"export kind {code!r} is registered twice")
    _REGISTRY[code] = cls()
    return cls


def get_kind(code: Any) -> ExportKind | None:
    return _REGISTRY.get(code) if isinstance(code, str) else None


def all_kinds() -> list[ExportKind]:
    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


def kinds_for(user: Any) -> list[ExportKind]:
    """The kinds `user` may request, by code."""
    return [kind for kind in all_kinds() if kind.allowed(user)]


def autodiscover() -> None:
    """Import every module of reports.exports.kinds (called from ReportsConfig.ready)."""
    from . import kinds

    for module in pkgutil.iter_modules(kinds.__path__):
        importlib.import_module(f"{kinds.__name__}.{module.name}")


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def clean_filters(kind: ExportKind, user: Any, raw: Any) -> dict[str, Any]:
    """Validate `raw` with the kind's form; JSON-ready values, empty ones left out.

    Raises ValidationFailed naming each bad field as ``filters.<name>`` (an unknown
    filter too, so that a typo is not silently ignored).
    """
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationFailed(
            _("Invalid filters."), errors={"filters": [str(_("Send the filters as an object."))]}
        )
    form = kind.filter_form(user, data=raw)
    errors: dict[str, list[str]] = {}
    for name in raw:
        if name not in form.fields:
            errors[f"filters.{name}"] = [str(_("Unknown filter."))]
    if not form.is_valid():
        for name, messages in form.errors.items():
            key = "filters" if name == NON_FIELD_ERRORS else f"filters.{name}"
            errors.setdefault(key, []).extend(str(m) for m in messages)
    if errors:
        raise ValidationFailed(_("Invalid filters."), errors=errors)
    return {
        name: _json_value(value)
        for name, value in form.cleaned_data.items()
        if value not in (None, "", [])
    }
