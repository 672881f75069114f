"""The action register: the action items of a community's (or a group's) meetings, across meetings.

Everyone who may see a meeting sees its action items (as on the meeting page), so the register
lists the items of the meetings the viewer may see, through Meeting.objects.visible_to. Filters:
open (open or in progress), overdue (open with a due date passed), done, dropped, all; a group;
the viewer's own items. The console of communities links here through its hook.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from communities import permissions
from communities.hooks import ConsoleLink
from communities.models import Community, Group

from .models import ActionItem, Meeting

SHOW_CHOICES = ("open", "overdue", "done", "dropped", "all")


def _today() -> date:
    return timezone.localdate()


def register_items(*, community: Community, user, group: Group | None = None) -> QuerySet[ActionItem]:
    """Return the action items of the meetings of community (or of group) that user may see."""
    meetings = Meeting.objects.visible_in(user, community).exclude(status=Meeting.Status.CANCELLED)
    if group is not None:
        meetings = meetings.filter(group=group)
    return ActionItem.objects.filter(meeting__in=meetings.values("pk"))


def filter_items(items: QuerySet[ActionItem], *, show: str, today: date | None = None) -> QuerySet[ActionItem]:
    today = today or _today()
    if show == "open":
        return items.filter(status__in=ActionItem.OPEN_STATUSES)
    if show == "overdue":
        return items.filter(status__in=ActionItem.OPEN_STATUSES, due_date__lt=today)
    if show in {"done", "dropped"}:
        return items.filter(status=show)
    return items


def ordered(items: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    return items.select_related("owner", "meeting__community", "meeting__group").order_by(
        F("due_date").asc(nulls_last=True), "meeting__start", "order", "pk"
    )


def register_counts(items: QuerySet[ActionItem], *, today: date | None = None) -> dict[str, int]:
    """Return how many items are open, overdue, done and dropped, in one query."""
    today = today or _today()
    is_open = Q(status__in=ActionItem.OPEN_STATUSES)
    return items.aggregate(
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=is_open & Q(due_date__lt=today)),
        done=Count("pk", filter=Q(status=ActionItem.Status.DONE)),
        dropped=Count("pk", filter=Q(status=ActionItem.Status.DROPPED)),
        all=Count("pk"),
    )


def can_update_status(*, user, item: ActionItem) -> bool:
    """Return whether user may move item's status: its owner (an active member), or the meeting's organisers."""
    if not user.is_authenticated:
        return False
    meeting = item.meeting
    if item.owner_id == user.pk and permissions.is_active_member(user, meeting.community):
        return True
    return Meeting.objects.manageable_by(user).filter(pk=meeting.pk).exists()


def console_actions(*, request, community, is_coordinator, groups) -> ConsoleLink:
    """The console's link to the action register, with the overdue actions of the meetings the viewer organises.

    One query: the meetings of the community (a coordinator) or of the viewer's groups (a facilitator).
    """
    meetings = Meeting.objects.filter(community=community).exclude(status=Meeting.Status.CANCELLED)
    if not is_coordinator:
        meetings = meetings.filter(group__in=groups)
    count = ActionItem.objects.filter(
        meeting__in=meetings.values("pk"), status__in=ActionItem.OPEN_STATUSES, due_date__lt=_today()
    ).count()
    text = ngettext("Action register (%(count)d overdue)", "Action register (%(count)d overdue)", count) % {
        "count": count
    }
    url = reverse("meetings:actions", kwargs={"community_slug": community.slug}) + "?show=overdue"
    return ConsoleLink(text=text, url=url)
