"""Web forms. They only parse input; services decide and raise ValidationFailed."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed
from .models import AuditAction, Cluster, Industry, Region, Role


def region_choices() -> list[tuple[str, object]]:
    """Jiangsu first, grouped by city (the city itself, then its districts), then the
    other provinces; one query."""
    regions = list(Region.objects.only("code", "name", "parent_id", "level"))
    cities = [r for r in regions if r.level == Region.Level.CITY]
    districts: dict[str, list[Region]] = {}
    for r in regions:
        if r.level == Region.Level.DISTRICT and r.parent_id:
            districts.setdefault(r.parent_id, []).append(r)
    groups: list[tuple[str, object]] = [("", _("Choose a region"))]
    for city in cities:
        options = [(city.code, f"{city.name}（{_('whole city')}）")]
        options += [(d.code, f"{city.name} · {d.name}") for d in districts.get(city.code, [])]
        groups.append((city.name, options))
    provinces = [(r.code, r.name) for r in regions if r.level == Region.Level.PROVINCE]
    groups.append((str(_("Provinces")), provinces))
    return groups


def industry_choices() -> list[tuple[str, str]]:
    return [("", str(_("Choose an industry")))] + [
        (i.code, f"{i.code} {i.name}") for i in Industry.objects.all()
    ]


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Enterprise name"), max_length=200)
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        min_length=18,
        help_text=_("18 characters, as on the business licence."),
    )
    region_code = forms.ChoiceField(label=_("Region"), choices=())
    industry_code = forms.ChoiceField(label=_("Industry"), choices=())
    employees = forms.IntegerField(label=_("Employees"), min_value=0)
    revenue_10k_yuan = forms.DecimalField(
        label=_("Annual revenue (10,000 yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    clusters = forms.MultipleChoiceField(
        label=_("Clusters"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["region_code"].choices = region_choices()  # type: ignore[attr-defined]
        self.fields["industry_code"].choices = industry_choices()  # type: ignore[attr-defined]
        self.fields["clusters"].choices = [  # type: ignore[attr-defined]
            (c.code, c.name) for c in Cluster.objects.filter(active=True)
        ]

    def add_domain_errors(self, exc: ValidationFailed, prefix: str = "") -> None:
        """Put a service's field errors beside the matching fields."""
        for path, messages in exc.errors.items():
            name = path.removeprefix(prefix) if prefix else path
            field = name if name in self.fields else None
            for message in messages:
                self.add_error(field, message)


class EnterpriseProfileForm(EnterpriseForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["uscc"]


class RegisterForm(EnterpriseForm):
    username = forms.RegexField(label=_("Username"), regex=r"^[\w.@+-]+\Z", max_length=150)
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password_confirm = forms.CharField(label=_("Confirm password"), widget=forms.PasswordInput)

    field_order = ["username", "email", "password", "password_confirm"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The rules of AUTH_PASSWORD_VALIDATORS, in the visitor's language.
        self.fields["password"].help_text = " ".join(password_validators_help_texts())

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_confirm"):
            self.add_error("password_confirm", _("The two passwords differ."))
        return data

    def add_domain_errors(self, exc: ValidationFailed, prefix: str = "") -> None:
        super().add_domain_errors(exc, prefix="enterprise.")


class MemberAddForm(forms.Form):
    username = forms.RegexField(label=_("Username"), regex=r"^[\w.@+-]+\Z", max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)
    email = forms.EmailField(label=_("Email (for a new account)"), required=False)
    password = forms.CharField(
        label=_("Initial password (for a new account)"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Only needed when the person has no account yet."),
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AuditFilterForm(forms.Form):
    """The audit log's filters; every field is optional. Used by the page and the API."""

    action = forms.ChoiceField(label=_("Action"), required=False, choices=())
    actor = forms.CharField(label=_("Actor (username)"), required=False, max_length=150)
    enterprise = forms.IntegerField(label=_("Enterprise ID"), required=False, min_value=1)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].choices = [  # type: ignore[attr-defined]
            ("", _("All actions")),
            *AuditAction.choices,
        ]

    def clean(self) -> dict:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def filters(self) -> dict[str, object]:
        """Keyword arguments for AuditEventQuerySet.filtered (call after is_valid)."""
        data = self.cleaned_data
        return {
            "action": data.get("action") or "",
            "actor": (data.get("actor") or "").strip(),
            "enterprise_id": data.get("enterprise"),
            "since": data.get("since"),
            "until": data.get("until"),
        }
