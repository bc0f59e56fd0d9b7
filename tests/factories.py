"""factory_boy factories shared by the suite."""

from __future__ import annotations

import itertools
from decimal import Decimal

import factory
from stdnum.cn import uscc as stdnum_uscc

from enterprises.models import Enterprise, Membership, Role, User
from enterprises.services import size_class_for

_serial = itertools.count(1)


def valid_uscc(region: str = "320505") -> str:
    """A USCC with a correct check character and a unique body."""
    body = f"91{region}MA{next(_serial):07d}"[:17]
    return body + stdnum_uscc.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pw-Gradient-2026")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试制造有限公司{n}")
    region_id = "320505"
    industry_id = "C34"
    uscc = factory.LazyAttribute(lambda o: valid_uscc(o.region_id))
    employees = 120
    revenue_10k_yuan = Decimal("5000")
    size_class = factory.LazyAttribute(
        lambda o: size_class_for(employees=o.employees, revenue_10k_yuan=o.revenue_10k_yuan)
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    role = Role.ADMIN
