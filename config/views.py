"""Error pages in the site's own look, in the visitor's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.test.signals import setting_changed
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response


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


# Generated schemas by (language, API version, URL configuration), and their renderings
# by the same and the renderer and media type, for this process.
_schemas: dict[tuple[str | None, str | None, str], dict[str, Any]] = {}
_rendered: dict[tuple[Any, ...], tuple[bytes, str]] = {}


@receiver(setting_changed)
def _forget_schemas(**kwargs: Any) -> None:
    """A test that changes settings (the URL configuration, say) gets a fresh schema."""
    _schemas.clear()
    _rendered.clear()


class _KeptSchemaResponse(Response):
    """The schema rendered once per format: YAML rendering alone costs a quarter of
    what generating the schema does."""

    def __init__(self, *args: Any, key: tuple[Any, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept_key = key

    @property
    def rendered_content(self) -> Any:  # bytes (DRF), where the stubs say str
        key = (*self.kept_key, type(self.accepted_renderer), self.accepted_media_type)
        kept = _rendered.get(key)
        if kept is None:
            content = super().rendered_content
            kept = _rendered[key] = (content, self["Content-Type"])
        self["Content-Type"] = kept[1]
        return kept[0]


class SchemaView(SpectacularAPIView):
    """/api/schema/, generated and rendered once per process, language and format, then
    served from memory.

    The schema follows from the code alone and is the same for every visitor
    (SERVE_PUBLIC), yet drf-spectacular builds it anew for each request: some 90 ms
    of CPU on a public URL, and 25 ms more to write it as YAML.
    """

    def _get_schema_response(self, request: Request) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version, str(self.urlconf or settings.ROOT_URLCONF))
        schema = _schemas.get(key)
        if schema is None:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            schema = _schemas[key] = generator.get_schema(request=request, public=self.serve_public)
        return _KeptSchemaResponse(
            data=schema,
            headers={
                "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'
            },
            key=key,
        )
