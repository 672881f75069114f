"""Pages of the notifications layer.

- /me/notifications/: what a person receives (reminder offsets, digest frequency, updates,
  muted communities and groups) and the last 50 emails sent to them.
- /unsubscribe/<token>/: the one-click unsubscribe of every email (RFC 8058). GET shows a
  confirmation page; POST (from the page, or from the mail client with
  "List-Unsubscribe=One-Click") turns the stream named in the signed token off, without a login
  or a CSRF token, and answers 200.
- /c/<slug>/manage/deliveries/: the coordinators' delivery log of their community's emails.
- /c/<slug>/meetings/<pk>/reminders/: organisers' own reminders to everyone registered.
- /c/<slug>/groups/<group>/follow/: follow or mute a group from its page (see groups.py).

These pages live in cop_portal because they combine members (preferences, ledger),
communities (mutes, coordinators) and meetings (reminders).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from communities.access import door, resolve
from communities.models import Community, Group, Membership
from communities.selectors import user_can_manage
from meetings.models import Meeting, Reminder
from meetings.reminders import CUSTOM_OFFSET_CHOICES, reminder_custom_add, reminder_custom_cancel, reminders_sync_user
from members.ids import parse_id
from members.models import EmailLedger, NotificationPreference, User
from members.notifications import (
    REMINDER_OFFSET_CHOICES,
    ledger_history,
    notification_preferences_update,
    notification_stream_off,
    preference_for,
)
from members.redirects import safe_next
from members.tokens import STREAM_REMINDERS, read_unsubscribe_token

DELIVERIES_PAGE_SIZE = 50


def offset_label(minutes: int) -> str:
    """Return "1 week", "2 days", "3 hours", "15 minutes" before a meeting, as people say it."""
    if minutes % 10080 == 0:
        weeks = minutes // 10080
        return ngettext_lazy("%(count)d week before", "%(count)d weeks before", weeks) % {"count": weeks}
    if minutes % 1440 == 0:
        days = minutes // 1440
        return ngettext_lazy("%(count)d day before", "%(count)d days before", days) % {"count": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext_lazy("%(count)d hour before", "%(count)d hours before", hours) % {"count": hours}
    return ngettext_lazy("%(count)d minute before", "%(count)d minutes before", minutes) % {"count": minutes}


# ---------------------------------------------------------------- /me/notifications/


class NotificationSettingsForm(forms.Form):
    reminders_enabled = forms.BooleanField(
        label=gettext_lazy("Send me reminders before the meetings I registered for"), required=False
    )
    reminder_offsets = forms.TypedMultipleChoiceField(
        label=gettext_lazy("When to remind me"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Choose up to three."),
    )
    digest_frequency = forms.ChoiceField(
        label=gettext_lazy("Digest of what is new in my communities"),
        choices=NotificationPreference.DigestFrequency.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Sent in the morning of your time zone, only when there is something new."),
    )
    updates_enabled = forms.BooleanField(
        label=gettext_lazy("Tell me about decisions, changes and replies that concern me"),
        required=False,
        help_text=gettext_lazy(
            "Answers to my questions, decisions on my requests, changes to meetings I registered for."
        ),
    )
    announcements_enabled = forms.BooleanField(
        label=gettext_lazy("Send me the announcements of my communities"),
        required=False,
        help_text=gettext_lazy("Messages that coordinators and facilitators send to their community or group."),
    )
    muted_communities = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Leave these communities out of my digest"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    muted_groups = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Leave these groups out of my digest"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, communities=(), groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reminder_offsets"].choices = [(m, offset_label(m)) for m in REMINDER_OFFSET_CHOICES]
        self.fields["muted_communities"].choices = [(c.pk, c.name) for c in communities]
        self.fields["muted_groups"].choices = [(g.pk, f"{g.name} ({g.community.name})") for g in groups]
        if not communities:
            del self.fields["muted_communities"]
        if not groups:
            del self.fields["muted_groups"]


def _my_places(user: User) -> tuple[list[Community], list[Group]]:
    memberships = Membership.objects.active().filter(user=user).select_related("community", "group__community")
    communities, groups = {}, {}
    for membership in memberships:
        if membership.group_id is None:
            communities[membership.community_id] = membership.community
        else:
            groups[membership.group_id] = membership.group
    by_name = lambda place: place.name.casefold()  # noqa: E731
    return sorted(communities.values(), key=by_name), sorted(groups.values(), key=by_name)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    """Show and change what emails I receive; list the last ones sent to me."""
    user = request.user
    communities, groups = _my_places(user)
    preference = preference_for(user)
    initial = {
        "reminders_enabled": preference.reminders_enabled,
        "reminder_offsets": preference.reminder_offsets,
        "digest_frequency": preference.digest_frequency,
        "updates_enabled": preference.updates_enabled,
        "announcements_enabled": preference.announcements_enabled,
        "muted_communities": preference.muted_communities,
        "muted_groups": preference.muted_groups,
    }
    form = NotificationSettingsForm(request.POST or None, initial=initial, communities=communities, groups=groups)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notification_preferences_update(
                user=user,
                reminders_enabled=data["reminders_enabled"],
                reminder_offsets=data["reminder_offsets"],
                digest_frequency=data["digest_frequency"],
                updates_enabled=data["updates_enabled"],
                muted_communities=data.get("muted_communities", []),
                muted_groups=data.get("muted_groups", []),
                announcements_enabled=data["announcements_enabled"],
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            reminders_sync_user(user=user)  # future reminders follow the new offsets
            messages.success(request, _("Your notification settings are saved."))
            return redirect("me:notifications")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "history": list(ledger_history(user=user)), "preference": preference}
    return render(request, "me/notifications.html", context, status=status)


# ---------------------------------------------------------------- one-click unsubscribe


@csrf_exempt  # RFC 8058: the mail client POSTs without a session or a CSRF token; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: ask to confirm. POST: turn off the stream named in the token (no login) and answer 200."""
    parsed = read_unsubscribe_token(token)
    if parsed is None:
        raise Http404
    person = None
    if parsed.user_id is not None:
        person = User.objects.filter(pk=parsed.user_id, is_active=True).first()
        if person is None:
            raise Http404
    context = {"token": token, "stream": parsed.stream, "person": person, "done": False}
    if request.method == "POST":
        if person is not None:
            notification_stream_off(user=person, stream=parsed.stream)
            if parsed.stream == STREAM_REMINDERS:
                reminders_sync_user(user=person)  # pending reminders are cancelled at once
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)


# ---------------------------------------------------------------- the coordinators' delivery log


@login_required
def deliveries(request, community_slug):
    """List the emails about this community that were sent or failed (coordinators only; others 404)."""
    community = request.community
    if not user_can_manage(user=request.user, community=community):
        raise Http404
    status = request.GET.get("status", "")
    shown = [EmailLedger.Status.SENT, EmailLedger.Status.FAILED]
    rows = EmailLedger.objects.filter(community_id=community.pk, status__in=shown).select_related("user")
    if status in shown:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("-created_at", "-pk"), DELIVERIES_PAGE_SIZE).get_page(request.GET.get("page"))
    failed = EmailLedger.objects.filter(community_id=community.pk, status=EmailLedger.Status.FAILED).count()
    context = {"community": community, "page": page, "status": status, "failed_count": failed}
    return render(request, "notifications/deliveries.html", context)


# ---------------------------------------------------------------- organisers' reminders


class CustomReminderForm(forms.Form):
    offset_minutes = forms.TypedChoiceField(label=gettext_lazy("When"), coerce=int)
    message = forms.CharField(
        label=gettext_lazy("Message to the people registered (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offset_minutes"].choices = [(m, offset_label(m)) for m in CUSTOM_OFFSET_CHOICES]


@login_required
@require_http_methods(["GET", "POST"])
def meeting_reminders(request, community_slug, meeting_pk):
    """Let organisers add (or cancel) a reminder to everyone registered for their meeting."""
    meeting = get_object_or_404(
        Meeting.objects.manageable_by(request.user).select_related("community"),
        community=request.community,
        pk=meeting_pk,
    )
    form = CustomReminderForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            reminder = get_object_or_404(
                Reminder.objects.filter(meeting=meeting, registration__isnull=True),
                pk=parse_id(request.POST.get("reminder")),
            )
            reminder_custom_cancel(reminder=reminder, by=request.user)
            messages.success(request, _("The reminder is cancelled."))
            return redirect("notifications:meeting_reminders", community_slug=community_slug, meeting_pk=meeting.pk)
        if form.is_valid():
            try:
                reminder_custom_add(
                    meeting=meeting,
                    by=request.user,
                    offset_minutes=form.cleaned_data["offset_minutes"],
                    message=form.cleaned_data["message"],
                )
            except ValidationError as error:
                for field, field_errors in getattr(error, "message_dict", {None: error.messages}).items():
                    for message in field_errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("The reminder will be sent to everyone registered."))
                return redirect("notifications:meeting_reminders", community_slug=community_slug, meeting_pk=meeting.pk)
    reminders = list(meeting.reminders.filter(registration__isnull=True).order_by("-offset_minutes"))
    for reminder in reminders:
        reminder.label = offset_label(reminder.offset_minutes)
    context = {"community": meeting.community, "meeting": meeting, "form": form, "reminders": reminders}
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/meeting_reminders.html", context, status=status)


@door("member")
def group_follow(request, community, group_slug):
    """Follow, mute or clear one's choice about a group (POST from its page; a GET goes back to the page)."""
    from .groups import GroupFollowError, group_follow_set

    group = resolve(request, Group.objects.visible_to(request.user).filter(community=community), slug=group_slug)
    fallback = group.get_absolute_url()
    if request.method != "POST":
        return redirect(fallback)
    level = request.POST.get("level", "")
    try:
        state = group_follow_set(user=request.user, group=group, level=level)
    except GroupFollowError as error:
        messages.error(request, error.text)
    else:
        if state.following:
            messages.success(
                request, _("You follow %(group)s: its discussions and knowledge reach you.") % {"group": group.name}
            )
        elif state.muted:
            messages.success(
                request, _("%(group)s is muted: no email and nothing in your digest about it.") % {"group": group.name}
            )
        else:
            messages.success(
                request,
                _("Your choice about %(group)s is removed: the community's settings apply.") % {"group": group.name},
            )
    return redirect(safe_next(request, fallback))
