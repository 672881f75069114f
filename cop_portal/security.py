"""A strict Content-Security-Policy for every page the portal renders.

Everything the portal loads comes from its own origin: scripts are files under /static/ (no
inline script, no eval), styles too, except <style> elements that carry the request's fresh
nonce (request.csp_nonce): the community accents in base.html, and the few page-specific rules
of the report, print and export pages. No element has a style attribute. JSON-LD blocks
(<script type="application/ld+json">) are data that browsers never execute, so script-src does
not apply to them. Pages that set their own policy (none do today) keep it.

Settings: CONTENT_SECURITY_POLICY (default True) turns it on; CONTENT_SECURITY_POLICY_REPORT_ONLY
sends it as Content-Security-Policy-Report-Only, to try a change on a live site first;
CONTENT_SECURITY_POLICY_EXEMPT lists path prefixes left out (Django's admin, whose own pages
carry inline styles and scripts).
"""

from __future__ import annotations

import secrets

from django.conf import settings


def build_policy(nonce: str) -> str:
    """Return the policy for a page whose <style> elements carry nonce."""
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' 'nonce-{nonce}'",
        # Logos on an object store come from its (signed) URLs.
        "img-src 'self' data:" + (f" {settings.STORAGE_ORIGIN}" if settings.STORAGE_ORIGIN else ""),
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


class ContentSecurityPolicyMiddleware:
    """Give each request a nonce for its <style> elements, and send the policy with HTML answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if not getattr(settings, "CONTENT_SECURITY_POLICY", True):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if request.path_info.startswith(tuple(getattr(settings, "CONTENT_SECURITY_POLICY_EXEMPT", ("/admin/",)))):
            return response
        if settings.DEBUG and response.status_code >= 400:
            return response  # Django's technical error pages style themselves inline
        header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )
        if "Content-Security-Policy" not in response and header not in response:
            response[header] = build_policy(request.csp_nonce)
        return response
