"""Error pages in the site's own look, in the visitor's language."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "error.html", {"status": 404}, status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "error.html", {"status": 403}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "error.html", {"status": 500}, status=500)
