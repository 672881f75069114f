"""The OpenAPI document and its browsable docs, served from the portal itself (no CDN, strict CSP).

Swagger UI comes from drf-spectacular-sidecar's static files; its start-up script is a separate
same-origin request (SpectacularSwaggerSplitView), so script-src 'self' holds, and its few page
styles are a <style> element with the request's nonce (templates/api/swagger_ui.html).
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.throttling import BaseThrottle


class SchemaView(SpectacularAPIView):
    throttle_classes: list[type[BaseThrottle]] = []


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    throttle_classes: list[type[BaseThrottle]] = []
    url_name = "api:schema"
