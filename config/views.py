"""Error pages in the site's own look, in the visitor's language."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.views import SpectacularSwaggerSplitView


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "error.html", {"status": 404}, status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "error.html", {"status": 403}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "error.html", {"status": 500}, status=500)


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI for /api/docs/, served without CDN (sidecar) and without inline code.

    The split view delivers its start-up script from `?script` (same origin) instead of
    inline, and our template loads the page's few styles from a static file, so the
    site's Content Security Policy applies unchanged.
    """

    template_name = "api/swagger_ui.html"
