"""Bilingual texts and the number formatting used in generated sentences.

A bilingual text is a mapping with a required ``zh-hans`` entry and an optional
``en`` entry. The engine never picks a language itself: it returns both, and the
caller chooses one with :func:`text` when rendering.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, getcontext

DEFAULT_LANGUAGE = "zh-hans"
LANGUAGES = ("zh-hans", "en")

Text = Mapping[str, str]
"""A bilingual text: ``{"zh-hans": ..., "en": ...}`` (``en`` may be absent)."""

Message = dict[str, str]
"""A generated bilingual message: always carries both ``zh-hans`` and ``en``."""


def text(bilingual: Text | None, lang: str) -> str:
    """Return the text of ``bilingual`` in ``lang``, falling back to zh-hans.

    ``lang`` may be a Django language code in any case or form (``en``, ``en-us``,
    ``zh-Hans``, ``zh_CN``): every Chinese variant reads ``zh-hans``, another
    language reads its primary subtag. An empty or missing text gives ``""``.
    """
    if not bilingual:
        return ""
    code = (lang or "").lower().replace("_", "-")
    primary = code.split("-", 1)[0]
    chosen = bilingual.get(code) or (None if primary == "zh" else bilingual.get(primary))
    return chosen or bilingual.get(DEFAULT_LANGUAGE) or ""


def message(zh_hans: str, en: str) -> Message:
    """Build a bilingual message with both languages present."""
    return {"zh-hans": zh_hans, "en": en}


_PLACES = {0: Decimal(1), 1: Decimal("0.1"), 2: Decimal("0.01"), 3: Decimal("0.001")}


def format_number(value: Decimal | int | float, places: int = 3) -> str:
    """Format a number for a sentence: at most ``places`` decimals, no trailing zeros.

    ``Decimal("60.000")`` reads ``60``, ``Decimal("52.5")`` reads ``52.5`` and
    ``Decimal("1.8754")`` reads ``1.875``; rounding is half-up. Never uses an exponent.
    """
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    # A number too large for the context's precision at `places` decimals has no
    # fraction worth showing; quantize would raise InvalidOperation on it.
    if number.is_finite() and number.adjusted() + places >= getcontext().prec:
        rounded = number.to_integral_value(rounding=ROUND_HALF_UP)
    else:
        rounded = number.quantize(_PLACES[places], rounding=ROUND_HALF_UP)
    formatted = format(rounded, "f")
    if "." in formatted:
        formatted = formatted.rstrip("0").rstrip(".")
    return "0" if formatted in ("-0", "") else formatted
