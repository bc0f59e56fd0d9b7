"""USCC check characters and the 2017 size-class rules."""

from decimal import Decimal

import pytest
from django.utils import translation
from stdnum.cn import uscc as stdnum_uscc

from enterprises.models import SizeClass
from enterprises.services import size_class_for, uscc_errors

# Published examples of real codes (a national enterprise and python-stdnum's sample).
REAL_CODES = ["91110000600037341L", "911100001000079554"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_accepted(code: str) -> None:
    assert stdnum_uscc.is_valid(code)
    assert uscc_errors(code) == []


@pytest.mark.parametrize("code", REAL_CODES)
def test_a_tampered_character_is_rejected_by_the_check(code: str) -> None:
    # Change one digit of the body: the check character no longer matches.
    position = 10
    tampered = code[:position] + str((int(code[position]) + 1) % 10) + code[position + 1 :]
    with translation.override("en"):
        assert uscc_errors(tampered) == [
            "The check character of this unified social credit code is wrong."
        ]


@pytest.mark.parametrize(
    "code", ["", "9111000060003734", "91110000600037341LX", "9111000060003734IL", "hello"]
)
def test_malformed_codes_are_rejected(code: str) -> None:
    assert uscc_errors(code)


@pytest.mark.parametrize(
    ("employees", "revenue", "expected"),
    [
        (1000, "40000", SizeClass.LARGE),
        (999, "40000", SizeClass.MEDIUM),  # one person short of large drops a class
        (1000, "39999.99", SizeClass.MEDIUM),
        (300, "2000", SizeClass.MEDIUM),
        (299, "2000", SizeClass.SMALL),
        (300, "1999.99", SizeClass.SMALL),
        (20, "300", SizeClass.SMALL),
        (19, "300", SizeClass.MICRO),
        (20, "299.99", SizeClass.MICRO),
        (5000, "100", SizeClass.MICRO),  # many staff, tiny revenue: both bounds are needed
        (0, "0", SizeClass.MICRO),
    ],
)
def test_size_class_boundaries_follow_the_2017_rules(
    employees: int, revenue: str, expected: SizeClass
) -> None:
    assert size_class_for(employees=employees, revenue_10k_yuan=Decimal(revenue)) == expected
