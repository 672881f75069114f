"""Calendar feeds: the community feed and the personal feed and its management."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.access import deny
from communities.selectors import user_can_see_content

from .. import ical, selectors, services


def community_feed(request, community_slug):
    """Serve the community's public meetings as an iCalendar feed (members-only meetings never go in)."""
    community = request.community
    if not user_can_see_content(user=request.user, community=community):
        raise Http404
    meetings = selectors.community_feed_meetings(community, request.user)
    body = ical.build_calendar(meetings, name=community.name, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{community.slug}-meetings.ics"'
    return response


def personal_feed(request, token):
    """Serve a person's private feed: every meeting of their communities, join links where they hold a seat."""
    user = services.calendar_feed_user(token=token)
    if user is None:
        raise Http404
    meetings, registered = selectors.personal_feed_meetings(user)
    body = ical.build_calendar(
        meetings, name=_("My meetings"), base_url=request.build_absolute_uri("/"), join_for=registered
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="my-meetings.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def feed_manage(request):
    """Let a person create, replace or turn off their private calendar address (shown once, only the hash is kept)."""
    if not request.user.is_authenticated:
        return deny(request)
    from ..models import CalendarFeedToken

    feed_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_token_revoke(user=request.user)
            messages.success(request, _("Your calendar address is turned off; calendars using it get nothing now."))
            return redirect("calendar_feeds:manage")
        token = services.calendar_feed_token_create(user=request.user)
        feed_url = request.build_absolute_uri(reverse("calendar_feeds:personal", kwargs={"token": token}))
    active = CalendarFeedToken.objects.filter(user=request.user, revoked_at__isnull=True).first()
    return render(request, "meetings/feed_manage.html", {"active": active, "feed_url": feed_url})
