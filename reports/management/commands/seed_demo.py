"""Idempotent demo data: a few enterprises, one of each persona, and the accounts printed."""

from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from stdnum.cn import uscc as stdnum_uscc

from enterprises import services
from enterprises.models import Enterprise, Membership, Role, SupplierLink, User
from enterprises.services_supply import supplier_invite, supplier_link_accept

DEMO_PASSWORD = "gradient-demo-2026"  # noqa: S105 (printed for the demo on purpose)


def demo_uscc(body: str) -> str:
    """A syntactically valid USCC for demo firms: the 17-character body plus its check."""
    return body + stdnum_uscc.calc_check_digit(body)


DEMO_ENTERPRISES = [
    # username, enterprise name, USCC body, region, industry, employees, revenue, clusters
    (
        "demo-admin",
        "苏州精工智造机械有限公司",
        "91320505MA1XYW123",
        "320505",
        "C34",
        420,
        Decimal("38000"),
        ["high-end-equipment"],
    ),
    (
        "demo-anchor",
        "无锡链主动力科技股份有限公司",
        "91320214MA1ABC345",
        "320214",
        "C36",
        3200,
        Decimal("560000"),
        ["automobiles-parts"],
    ),
    (
        "demo-supplier",
        "常州恒远精密零部件有限公司",
        "91320412MA1DEF567",
        "320412",
        "C36",
        160,
        Decimal("9000"),
        ["automobiles-parts"],
    ),
]


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_reference_data", verbosity=0)
        with transaction.atomic():
            accounts, enterprises = self._seed()
            assessments = seed_assessments(enterprises)
        self.stdout.write(
            self.style.SUCCESS("Demo accounts (password for all: %s):" % DEMO_PASSWORD)
        )
        for username, description in accounts:
            self.stdout.write(f"  {username:<16} {description}")
        for username, description in assessments:
            self.stdout.write(f"  demo assessment of {username}: {description}")

    def _seed(self) -> tuple[list[tuple[str, str]], dict[str, Enterprise]]:
        from enterprises.models import Cluster

        known_clusters = set(Cluster.objects.values_list("code", flat=True))
        enterprises: dict[str, Enterprise] = {}
        for username, name, body, region, industry, staff, revenue, clusters in DEMO_ENTERPRISES:
            uscc = demo_uscc(body)
            enterprise = Enterprise.objects.filter(uscc=uscc).first()
            if enterprise is None:
                _user, enterprise, _token = services.enterprise_register(
                    username=username,
                    password=DEMO_PASSWORD,
                    email=f"{username}@example.com",
                    name=name,
                    uscc=uscc,
                    region_code=region,
                    industry_code=industry,
                    employees=staff,
                    revenue_10k_yuan=revenue,
                    cluster_codes=[c for c in clusters if c in known_clusters],
                )
            enterprises[username] = enterprise

        main = enterprises["demo-admin"]
        if not User.objects.filter(username="demo-viewer").exists():
            services.membership_add(
                enterprise=main,
                username="demo-viewer",
                role=Role.VIEWER,
                email="demo-viewer@example.com",
                password=DEMO_PASSWORD,
            )
        elif not Membership.objects.filter(user__username="demo-viewer", enterprise=main).exists():
            services.membership_add(enterprise=main, username="demo-viewer", role=Role.VIEWER)

        supplier = enterprises["demo-supplier"]
        anchor = enterprises["demo-anchor"]
        if not SupplierLink.objects.filter(anchor=anchor, supplier_uscc=supplier.uscc).exists():
            link = supplier_invite(
                anchor=anchor,
                uscc=supplier.uscc,
                name=supplier.name,
                contact_email="demo-supplier@example.com",
            )
            supplier_link_accept(link=link)

        services.bureau_officer_create(
            username="demo-officer",
            password=DEMO_PASSWORD,
            region_codes=["320500"],
            bureau_name="苏州市工业和信息化局",
        )
        services.bureau_officer_create(
            username="demo-officer-wx",
            password=DEMO_PASSWORD,
            region_codes=["320200"],
            bureau_name="无锡市工业和信息化局",
        )
        services.assessor_create(
            username="demo-assessor",
            password=DEMO_PASSWORD,
            organisation="江苏智能制造诊断服务中心",
        )
        staff = User.objects.filter(username="admin").first()
        if staff is None:
            User.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD)
        return [
            ("demo-admin", f"enterprise admin of {main.name}"),
            ("demo-viewer", f"enterprise viewer of {main.name}"),
            ("demo-anchor", f"anchor firm admin of {enterprises['demo-anchor'].name}"),
            ("demo-supplier", f"supplier admin of {supplier.name}"),
            ("demo-officer", "bureau officer, Suzhou (320500)"),
            ("demo-officer-wx", "bureau officer, Wuxi (320200)"),
            ("demo-assessor", "assessor, 江苏智能制造诊断服务中心"),
            ("admin", "platform staff (Django admin at /admin/)"),
        ], enterprises


def seed_assessments(enterprises: dict[str, Enterprise]) -> list[tuple[str, str]]:
    """Idempotent demo assessments: a certified SME result and an open smart-factory draft
    for the demo enterprise; a submitted result for the supplier. Answers come from the
    seeded generator, so every run produces the same ones."""
    import random

    from assessments.models import Assessment
    from assessments.selectors import compiled_framework
    from assessments.services.assessments import answer_save, assessment_start, assessment_submit
    from assessments.synthetic import realistic_answers
    from reports.services.settle import assessment_settle

    notes = []
    plan = [
        ("demo-admin", "sme-digital-level-2024", True, 11),
        ("demo-admin", "smart-factory-gradient", False, 12),
        ("demo-supplier", "sme-digital-level-2024", True, 13),
    ]
    for username, code, submit, seed in plan:
        enterprise = enterprises[username]
        if Assessment.objects.filter(enterprise=enterprise, framework__code=code).exists():
            continue
        user = User.objects.get(username=username)
        draft = assessment_start(enterprise=enterprise, framework_code=code, user=user)
        framework = compiled_framework(draft.framework_version)
        answers = realistic_answers(framework, random.Random(seed))
        if not submit:  # a draft half filled in
            answers = dict(list(answers.items())[: len(answers) // 2])
        for key, value in answers.items():
            answer_save(assessment=draft, user=user, question_key=key, value=value, base_revision=0)
        if submit:
            done = assessment_submit(assessment=draft, user=user, pledge=True)
            assessment_settle(assessment_id=done.pk)
            notes.append((username, f"{code}: submitted, level {done.level_code or '-'}"))
        else:
            notes.append((username, f"{code}: draft with {len(answers)} answers"))
    return notes
