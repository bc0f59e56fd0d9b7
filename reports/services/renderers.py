"""What each kind of generated file contains."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy

from assessments.models import Assessment, Evidence
from assessments.presenters import tr
from assessments.selectors import compiled_framework
from reports.models import Certificate, GeneratedFile
from reports.pdf import qr_svg, render_pdf


def verify_url(serial: str) -> str:
    return settings.GRADIENT_SITE_URL.rstrip("/") + reverse("verify", args=[serial])


def render_certificate_pdf(row: GeneratedFile) -> bytes:
    certificate = Certificate.objects.select_related("framework").get(pk=row.object_id)
    url = verify_url(certificate.serial)
    return render_pdf(
        "reports/pdf/certificate.html",
        {"certificate": certificate, "verify_url": url, "qr": qr_svg(url)},
    )


PHASE_LABELS = {
    "now": gettext_lazy("Now"),
    "6m": gettext_lazy("Within 6 months"),
    "18m": gettext_lazy("In 6 to 18 months"),
}


def report_context(assessment: Assessment) -> dict[str, Any]:
    """Everything the report shows, in the active language (the caller picks zh-hans)."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from reports import charts, selectors
    from reports.services.plans import assessment_plan

    data = selectors.assessment_result(assessment)
    summary = selectors.result_summary(assessment, data)
    scored = [d for d in summary["dimensions"] if d["scored"]]
    radar = ""
    if len(scored) >= 3:
        radar = charts.radar_svg(
            [(d["name"], d["percent"] or 0.0) for d in scored],
            title=_("Score by dimension (percent of maximum)"),
        )
    plan = assessment_plan(assessment=assessment).plan
    plan_rows = [
        {
            "priority": item.priority,
            "text": tr(item.question.text),
            "recommendation": "；".join(tr(r) for r in item.recommendations if r),
            "phase": str(PHASE_LABELS.get(item.phase, item.phase)),
            "gain": selectors.number_text(item.expected_gain),
        }
        for item in plan.items
    ]
    return {
        "assessment": assessment,
        "enterprise": assessment.enterprise,
        "framework_title": tr(compiled_framework(assessment.framework_version).title),
        "summary": summary,
        "radar": radar,
        "plan_rows": plan_rows,
        "evidence": list(Evidence.objects.filter(assessment=assessment)),
        "certificate": Certificate.objects.filter(assessment=assessment).first(),
        "printed_at": timezone.localtime(),
    }


def render_report_pdf(row: GeneratedFile) -> bytes:
    assessment = (
        Assessment.objects.with_version().select_related("enterprise").get(pk=row.object_id)
    )
    from django.utils import translation

    with translation.override("zh-hans"):
        context = report_context(assessment)
    return render_pdf("reports/pdf/report.html", context)


RENDERERS = {
    GeneratedFile.Kind.CERTIFICATE_PDF: render_certificate_pdf,
    GeneratedFile.Kind.REPORT_PDF: render_report_pdf,
}
