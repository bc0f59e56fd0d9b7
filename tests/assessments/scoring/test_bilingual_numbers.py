"""Numbers in sentences: never an exponent, never a crash, whatever the size."""

from __future__ import annotations

from decimal import Decimal

from assessments.scoring.bilingual import format_number


def test_a_number_beyond_the_decimal_precision_is_written_out_whole() -> None:
    assert format_number(Decimal("1E+25")) == "10000000000000000000000000"
    assert format_number(Decimal("-1E+30")) == "-1" + "0" * 30


def test_ordinary_numbers_keep_at_most_three_decimals() -> None:
    assert format_number(Decimal("60.000")) == "60"
    assert format_number(Decimal("1.8754")) == "1.875"
