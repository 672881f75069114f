"""An item's history: revisions and restoring one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communities.access import door, resolve

from .. import services
from ..models import Revision
from ..selectors import can_edit_item
from ._common import _refuse, _visible_item


@door("content")
def revision_list(request, community, knowledge_pk):
    item = _visible_item(request, community, knowledge_pk)
    revisions = Revision.objects.filter(item=item).select_related("author").order_by("-number")
    context = {
        "community": community,
        "item": item,
        "revisions": revisions,
        "can_edit": can_edit_item(user=request.user, item=item),
    }
    return render(request, "knowledge/revision_list.html", context)


def _visible_revision(request, community, revision_pk):
    return resolve(
        request,
        Revision.objects.visible_to(request.user)
        .filter(item__community=community)
        .select_related("item", "item__community", "author"),
        pk=revision_pk,
    )


@door("content")
def revision_detail(request, community, revision_pk):
    revision = _visible_revision(request, community, revision_pk)
    from ..markup import render_markdown

    snapshot = revision.snapshot
    context = {
        "community": community,
        "item": revision.item,
        "revision": revision,
        "snapshot": snapshot,
        "body_html": render_markdown(snapshot.get("body", "")),
        "can_edit": can_edit_item(user=request.user, item=revision.item),
    }
    return render(request, "knowledge/revision_detail.html", context)


@login_required
@door("content")
def revision_restore(request, community, revision_pk):
    revision = _visible_revision(request, community, revision_pk)
    if request.method != "POST":
        return redirect(revision)
    try:
        services.item_restore_revision(item=revision.item, revision=revision, by=request.user)
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, revision)
    messages.success(request, _("Restored revision %(number)s.") % {"number": revision.number})
    return redirect(revision.item)
