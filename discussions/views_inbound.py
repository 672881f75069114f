"""The inbound mail webhook: POST /inbound/email/, for mail providers that post received email to a URL.

Authenticated by `Authorization: Bearer <INBOUND_EMAIL_SECRET>` (compared in constant time; with
no secret configured every request is refused). The body is the raw RFC 822 message
(Content-Type message/rfc822, the envelope in the query string: ?sender=...&recipient=...), or a
form whose field `message` holds it (text or file) beside `sender` and `recipient`. It takes the
same path as the SMTP server (services.inbound.message_receive) and answers with JSON: a refused
message is still taken (200): its sender gets the reply.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services.inbound import message_receive


def _authorised(request) -> bool:
    secret = settings.INBOUND_EMAIL_SECRET
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if not secret or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), secret.encode())


def _message_and_envelope(request) -> tuple[bytes, str, list[str]]:
    if request.content_type == "message/rfc822":
        raw, fields = request.body, request.GET
    else:
        fields = request.POST
        upload = request.FILES.get("message")
        raw = upload.read() if upload is not None else request.POST.get("message", "").encode("utf-8")
    recipients = [value.strip() for item in fields.getlist("recipient") for value in item.split(",") if value.strip()]
    return raw, fields.get("sender", "").strip(), recipients


@csrf_exempt
@require_POST
def inbound_email(request):
    if not _authorised(request):
        return HttpResponseForbidden("Forbidden\n", content_type="text/plain")
    try:
        raw, sender, recipients = _message_and_envelope(request)
    except RequestDataTooBig:
        return JsonResponse({"error": "too large"}, status=413)
    if not raw.strip():
        return JsonResponse({"error": "no message"}, status=400)
    inbound = message_receive(raw, envelope_from=sender, recipients=recipients)
    return JsonResponse({"outcome": inbound.outcome, "reason": inbound.reason, "message_id": inbound.message_id})
