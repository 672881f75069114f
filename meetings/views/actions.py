"""The action register of a community or group (/c/<slug>/meetings/actions/) and moving an action's status."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from communities.access import deny
from communities.models import Group
from communities.selectors import user_can_see_content

from .. import actions, services
from ..models import ActionItem
from ._common import _post_only

PAGE_SIZE = 50


def action_register(request, community_slug):
    """List the action items of the meetings the visitor may see: open, overdue, done, dropped or all."""
    community = request.community
    if not user_can_see_content(user=request.user, community=community):
        return deny(request)
    show = request.GET.get("show", "open")
    show = show if show in actions.SHOW_CHOICES else "open"
    groups = Group.objects.visible_to(request.user).filter(community=community).order_by("position", "sort_name", "pk")
    group = groups.filter(slug=request.GET.get("group", "")).first() if request.GET.get("group") else None
    items = actions.register_items(community=community, user=request.user, group=group)
    mine = request.GET.get("owner") == "me" and request.user.is_authenticated
    if mine:
        items = items.filter(owner=request.user)
    counts = actions.register_counts(items)
    page = Paginator(actions.ordered(actions.filter_items(items, show=show)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "meetings/action_register.html",
        {
            "community": community,
            "show": show,
            "group": group,
            "groups": groups.only("slug", "name"),
            "mine": mine,
            "counts": counts,
            "page": page,
            "items": page.object_list,
            "today": actions._today(),
            "statuses": ActionItem.Status.choices,
            "user_id": request.user.pk,
            "next_url": request.get_full_path(),
        },
    )


def action_status(request, community_slug, action_pk):
    """Move one action item to a new status (its owner, or the meeting's organisers)."""
    visible = actions.register_items(community=request.community, user=request.user)
    item = visible.select_related("meeting__community").filter(pk=action_pk).first()
    if item is None:
        return deny(request)
    if response := _post_only(request):
        return response
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = ""
    if not next_url.startswith("/"):
        next_url = ""
    if not actions.can_update_status(user=request.user, item=item):
        messages.error(request, _("Only the owner of this action or the meeting's organisers can change it."))
    else:
        try:
            services.action_item_set_status(item=item, by=request.user, status=request.POST.get("status", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The action is updated."))
    if next_url:
        return redirect(next_url)
    return redirect("meetings:actions", community_slug=request.community.slug)


__all__ = ["action_register", "action_status"]
