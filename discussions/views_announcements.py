"""Announcements of a community: /c/<slug>/announcements/ (list, page) and new/ (form, preview, send).

Sending is two steps without JavaScript: the form POSTs to itself and answers a preview with the
number of people who will receive it; the preview's "Send to N people" button POSTs the same
fields with confirm=1, which sends. The form's one-time token makes a double submit send once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_countries import countries

from communities.access import door, resolve
from communities.translation import localize
from knowledge.forms import add_service_errors
from knowledge.markup import render_markdown

from .forms_announcements import AnnouncementForm
from .models import Announcement
from .services import DiscussionError, announcement_count, announcement_send
from .services.announcements import can_announce

PAGE_SIZE = 20


def audience_label(announcement: Announcement) -> str:
    """Return who an announcement went to, as a person says it."""
    Audience = Announcement.Audience
    if announcement.audience == Audience.GROUP and announcement.group is not None:
        return _("Group: %(name)s") % {"name": announcement.group.name}
    if announcement.audience == Audience.PARTNER_ROLE and announcement.partner_role is not None:
        return _("Partners: %(role)s") % {"role": announcement.partner_role.name}
    if announcement.audience == Audience.COUNTRY and announcement.country:
        return _("Members from %(country)s") % {"country": countries.name(announcement.country)}
    return _("The whole community")


def _scoped(request, community):
    return (
        Announcement.objects.visible_to(request.user)
        .filter(community=community)
        .select_related("community", "created_by", "group", "partner_role")
    )


@door("content")
def announcement_list(request, community):
    page = Paginator(_scoped(request, community).order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for announcement in page:
        announcement.audience_label = audience_label(announcement)
    context = {
        "community": community,
        "page": page,
        "can_announce": request.user.is_authenticated and can_announce(user=request.user, community=community),
    }
    return render(request, "discussions/announcement_list.html", context)


@door("content")
def announcement_detail(request, community, announcement_pk):
    announcement = resolve(request, _scoped(request, community), pk=announcement_pk)
    announcement.audience_label = audience_label(announcement)
    shown = localize(announcement, original=bool(request.GET.get("original")))
    # A translation is Markdown like the original; the original's HTML was rendered once when sent.
    body_html = render_markdown(shown["body"]) if shown.translated else announcement.body_html
    context = {"community": community, "announcement": announcement, "shown": shown, "body_html": body_html}
    return render(request, "discussions/announcement_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@door("manage_any")
def announcement_new(request, community):
    """GET: the form. POST: the preview with the number of recipients; POST with confirm: send."""
    form = AnnouncementForm(request.POST or None, community=community, user=request.user)
    context = {"community": community, "form": form}
    if request.method != "POST":
        return render(request, "discussions/announcement_form.html", context)
    if form.is_valid() and "edit" not in request.POST:
        audience = form.audience_choice()
        data = form.cleaned_data
        try:
            if request.POST.get("confirm"):
                announcement = announcement_send(
                    community=community,
                    by=request.user,
                    audience=audience,
                    title=data["title"],
                    body=data["body"],
                    nonce=data["nonce"],
                    language=data.get("language") or "",
                )
            else:
                count = announcement_count(user=request.user, community=community, audience=audience)
        except DiscussionError as error:
            add_service_errors(form, error)
        else:
            if request.POST.get("confirm"):
                messages.success(
                    request,
                    ngettext(
                        "The announcement is being sent to %(count)d person.",
                        "The announcement is being sent to %(count)d people.",
                        announcement.recipient_count,
                    )
                    % {"count": announcement.recipient_count},
                )
                return redirect(announcement)
            context.update(
                {
                    "count": count,
                    "title": data["title"],
                    "body_html": render_markdown(data["body"]),
                    "audience_label": audience_label(
                        Announcement(
                            audience=audience.kind,
                            group=audience.group,
                            partner_role=audience.partner_role,
                            country=audience.country,
                        )
                    ),
                }
            )
            return render(request, "discussions/announcement_preview.html", context)
    status = 200 if "edit" in request.POST else 400
    return render(request, "discussions/announcement_form.html", context, status=status)
