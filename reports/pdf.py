"""PDF rendering with WeasyPrint, in Chinese. Pure rendering: data in, bytes out."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no external file) pointing at `url`."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


def render_pdf(template: str, context: dict[str, Any], *, language: str = "zh-hans") -> bytes:
    """Render a template to PDF bytes. Fonts come from fontconfig (Noto Sans CJK)."""
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
