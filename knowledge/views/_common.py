"""Lookups and answers shared by the knowledge page areas (private to knowledge.views)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from communities.access import resolve

from ..models import KnowledgeItem


def _visible_item(request, community, knowledge_pk):
    return resolve(
        request,
        KnowledgeItem.objects.visible_to(request.user).filter(community=community).select_related("community"),
        pk=knowledge_pk,
    )


def _refuse(request, error: PermissionDenied | ValidationError, target):
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("You cannot do this."))
    return redirect(target)


def _private_headers(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
