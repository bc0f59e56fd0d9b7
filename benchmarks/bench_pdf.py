"""Time the certificate and report PDFs in Chinese against the same templates in Latin text.

    python benchmarks/bench_pdf.py [--runs 15]

Builds one enterprise with a submitted smart-factory-gradient assessment and its
certificate (inside a transaction that is rolled back), then renders, interleaved:
the certificate PDF in zh-hans with a Chinese enterprise name, the same template in
English with a Latin name (the baseline), and likewise the full report PDF. The ratio
shows what CJK text costs; HarfBuzz subsetting (libharfbuzz-subset0) keeps it small.

Targets: certificate < 150 ms median, report < 1 s median, CJK/Latin ratio < 2.
"""

from __future__ import annotations

import argparse
import random
from typing import Any

import _common
from _common import Check, Summary, fmt_ratio, fmt_seconds, median

CERTIFICATE_TARGET = 0.150
REPORT_TARGET = 1.0
RATIO_TARGET = 2.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="Timed renders per variant.")
    parser.add_argument("--seed", type=int, default=7)
    _common.add_summary_argument(parser)
    return parser.parse_args()


class Rollback(Exception):
    pass


def main() -> None:
    args = parse_args()
    database = _common.setup_django()

    from decimal import Decimal

    from django.db import transaction
    from django.utils import translation
    from stdnum.cn import uscc as stdnum_uscc

    from assessments.selectors import compiled_framework
    from assessments.services.assessments import answer_save, assessment_start, assessment_submit
    from assessments.synthetic import realistic_answers
    from enterprises.models import User
    from enterprises.services import enterprise_register
    from reports.models import Certificate
    from reports.pdf import qr_svg, render_pdf
    from reports.services.certificates import certificate_issue
    from reports.services.renderers import report_context, verify_url

    rows: list[list[Any]] = []
    summaries: list[Summary] = []
    try:
        with transaction.atomic():
            body = f"91320505MA{random.Random(args.seed).randint(1000000, 9999999)}"
            uscc = body + stdnum_uscc.calc_check_digit(body)
            User.objects.filter(username="bench-pdf").delete()
            user, enterprise, _token = enterprise_register(
                username="bench-pdf",
                password="Qz7-render-timing-2026",
                email="bench-pdf@example.com",
                name="苏州工业园区精密智造装备股份有限公司",
                uscc=uscc,
                region_code="320505",
                industry_code="C34",
                employees=800,
                revenue_10k_yuan=Decimal("120000"),
            )
            draft = assessment_start(
                enterprise=enterprise, framework_code="smart-factory-gradient", user=user
            )
            fw = compiled_framework(draft.framework_version)
            answers = realistic_answers(fw, random.Random(args.seed), optional_share=1.0)
            for question in fw.iter_questions():  # basic requirements met: a level to certify
                if question.type == "boolean":
                    answers[question.key] = question.score_true >= question.score_false
            for key, value in answers.items():
                answer_save(
                    assessment=draft, user=user, question_key=key, value=value, base_revision=0
                )
            assessment = assessment_submit(assessment=draft, user=user, pledge=True)
            # Certify whatever level was reached, as a reviewer would confirm it.
            assessment.status = "confirmed"
            assessment.confirmed_level_code = assessment.level_code or fw.levels[0].code
            assessment.save()
            certificate = certificate_issue(assessment_id=assessment.pk)
            assert certificate is not None
            latin = Certificate(
                **{
                    f.attname: getattr(certificate, f.attname)
                    for f in Certificate._meta.concrete_fields
                }
            )
            latin.enterprise_name = "Suzhou Industrial Park Precision Equipment Co., Ltd."
            latin.framework_title = "Smart-factory gradient self-assessment"
            latin.level_name = "Advanced"

            def certificate_pdf(cert: Certificate, language: str) -> bytes:
                url = verify_url(cert.serial)
                return render_pdf(
                    "reports/pdf/certificate.html",
                    {"certificate": cert, "verify_url": url, "qr": qr_svg(url)},
                    language=language,
                )

            with translation.override("zh-hans"):
                report_zh = report_context(assessment)
            with translation.override("en"):
                report_en = report_context(assessment)
            report_en["enterprise"] = type("LatinEnterprise", (), {"name": latin.enterprise_name})()

            variants = {
                "certificate zh-hans": lambda: certificate_pdf(certificate, "zh-hans"),
                "certificate latin": lambda: certificate_pdf(latin, "en"),
                "report zh-hans": lambda: render_pdf(
                    "reports/pdf/report.html", report_zh, language="zh-hans"
                ),
                "report latin": lambda: render_pdf(
                    "reports/pdf/report.html", report_en, language="en"
                ),
            }
            for action in variants.values():  # warm fonts and template caches
                action()
            samples: dict[str, list[float]] = {name: [] for name in variants}
            for _ in range(args.runs):
                for name, action in variants.items():
                    samples[name].append(_common.time_call(action))
            sizes = {name: len(action()) for name, action in variants.items()}
            raise Rollback
    except Rollback:
        pass

    for kind, target in (("certificate", CERTIFICATE_TARGET), ("report", REPORT_TARGET)):
        zh = median(samples[f"{kind} zh-hans"])
        base = median(samples[f"{kind} latin"])
        ratio = zh / base
        rows.append(
            [
                kind,
                fmt_seconds(zh),
                fmt_seconds(base),
                fmt_ratio(ratio),
                f"{sizes[f'{kind} zh-hans'] // 1024} KiB",
                f"< {fmt_seconds(target)}, ratio < {RATIO_TARGET:g}",
            ]
        )
        summaries.append(
            Summary.checked(
                [
                    Check("zh-hans median", zh, target, unit=fmt_seconds),
                    Check("CJK/Latin ratio", ratio, RATIO_TARGET, unit=fmt_ratio),
                ],
                benchmark=f"{kind} PDF (zh-hans vs Latin)",
                figure=fmt_seconds(zh),
                baseline=f"{fmt_seconds(base)} the same in Latin text",
                ratio=fmt_ratio(ratio),
                target=f"< {fmt_seconds(target)}; ratio < {RATIO_TARGET:g}",
                note=f"{args.runs} renders each",
            )
        )
    print(f"database: {database}; {args.runs} renders per variant; {_common.machine_note()}")
    _common.print_table(["PDF", "zh-hans median", "Latin median", "ratio", "size", "target"], rows)
    _common.print_summary(summaries)
    _common.write_summary(args.summary_json, summaries)


if __name__ == "__main__":
    main()
