"""Every API error in one shape: {"error": {"code": ..., "message": ..., "fields": {...}}}.

code is a stable machine word (not_found, invalid, not_authenticated, permission_denied, throttled,
or the code of the service's own error such as "full" or "not_pending"); message is a sentence in the
request's language; fields maps each invalid field to its messages (empty when the error is not about
fields). A service refusing a write (a Django ValidationError) answers 400 with its own message.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler


def _code_of(detail, default: str) -> str:
    """Return the code of the first message in detail (an ErrorDetail, or lists and dicts of them)."""
    while isinstance(detail, list | dict):
        if not detail:
            return default
        detail = detail[0] if isinstance(detail, list) else next(iter(detail.values()))
    return str(getattr(detail, "code", None) or default)


def _from_django(error: DjangoValidationError) -> exceptions.ValidationError:
    """Turn a service's ValidationError into DRF's, keeping its messages, fields and code."""
    if hasattr(error, "error_dict"):
        detail = {
            field: [exceptions.ErrorDetail(str(m), code=e.code or "invalid") for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
        return exceptions.ValidationError(detail)
    code = getattr(error, "code", None) or "invalid"
    return exceptions.ValidationError(
        {"non_field_errors": [exceptions.ErrorDetail(m, code=code) for m in error.messages]}
    )


def api_exception_handler(exc, context):
    """Shape every error DRF knows into {"error": {...}}; anything else stays a 500 (and reaches Sentry)."""
    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()  # never "No Membership matches the given query.": a hidden thing is just not found
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail
    fields: dict = {}
    if isinstance(detail, dict):
        general = detail.get("non_field_errors") or detail.get("__all__") or []
        fields = {
            name: [str(m) for m in messages]
            for name, messages in detail.items()
            if name not in ("non_field_errors", "__all__")
        }
        if general:
            message = " ".join(str(m) for m in general)
            code = _code_of(general, "invalid")
        else:
            message = _("Some fields are not valid: see “fields”.")
            code = "invalid"
    elif isinstance(detail, list):
        message = " ".join(str(m) for m in detail)
        code = _code_of(detail, "invalid")
    else:
        message = str(detail)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response
