"""Following and muting (a thread, a group, the community) and the email settings page of a community.

Members only (the door: anonymous visitors sign in, outsiders get 404). The follow views take
POST (a GET is answered with a redirect after the same lookups) and go back to where the form
was (a safe "next"), else to the target.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities import permissions
from communities.access import door, resolve
from communities.models import Group
from members.redirects import safe_next

from . import services
from .mail.addresses import incoming_address
from .models import DeliveryMode, Thread
from .services.following import delivery_mode
from .templatetags.discussion_following import group_states


class DeliveryModeForm(forms.Form):
    mode = forms.ChoiceField(
        label=gettext_lazy("How you receive this community's discussions"),
        choices=DeliveryMode.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Every post by email: each new post of what you follow, with a reply address (mailing-list mode). "
            "In the digest only: a summary in your digest. Off: no discussion emails (mentions included)."
        ),
        error_messages={"required": gettext_lazy("Choose how to receive the discussions.")},
    )


def _back(request, fallback: str):
    return redirect(safe_next(request, fallback))


def _apply(request, community, fallback: str, *, thread=None, group=None):
    if request.method != "POST":
        return redirect(fallback)
    level = request.POST.get("level", "")
    try:
        if level == "clear":
            services.subscription_clear(user=request.user, community=community, thread=thread, group=group)
            messages.success(request, _("Your choice is removed: the wider space's choice applies."))
        else:
            services.subscription_set(user=request.user, community=community, thread=thread, group=group, level=level)
            if level == services.following.FOLLOW:
                messages.success(request, _("You follow this now."))
            else:
                messages.success(request, _("Muted: you will get no email about it."))
    except services.DiscussionError as error:
        messages.error(request, error.text)
    return _back(request, fallback)


def _settings_path(community) -> str:
    from django.urls import reverse

    return reverse("discussion_mail:email_settings", kwargs={"community_slug": community.slug})


@door("member")
def thread_follow(request, community, thread_pk):
    thread = resolve(
        request,
        Thread.objects.visible_to(request.user).filter(community=community).select_related("community"),
        pk=thread_pk,
    )
    return _apply(request, community, thread.get_absolute_url(), thread=thread)


@door("member")
def group_follow(request, community, group_slug):
    group = resolve(request, Group.objects.visible_to(request.user).filter(community=community), slug=group_slug)
    return _apply(request, community, group.get_absolute_url(), group=group)


@door("member")
def community_follow(request, community):
    return _apply(request, community, _settings_path(community))


@door("member")
def email_settings(request, community):
    """Choose how the community's discussions reach you; see what you follow and the incoming addresses."""
    if request.method == "POST":
        form = DeliveryModeForm(request.POST)
        if form.is_valid():
            try:
                services.discussion_preference_set(
                    user=request.user, community=community, mode=form.cleaned_data["mode"]
                )
            except services.DiscussionError as error:
                messages.error(request, error.text)
            else:
                messages.success(request, _("Saved: this is how you receive this community's discussions."))
                return redirect(_settings_path(community))
    else:
        form = DeliveryModeForm(initial={"mode": delivery_mode(user=request.user, community=community)})
    groups = list(Group.objects.visible_to(request.user).filter(community=community).in_order())
    postable = set(
        Group.objects.filter(community=community, pk__in=permissions.postable_group_ids(request.user)).values_list(
            "pk", flat=True
        )
    )
    states = group_states(user=request.user, community=community, groups=groups, next_url=request.get_full_path())
    rows = [
        {
            "group": group,
            "state": states[group.pk],
            "address": incoming_address(community=community, group=group) if group.pk in postable else "",
        }
        for group in groups
    ]
    return render(
        request,
        "discussions/email_settings.html",
        {
            "community": community,
            "form": form,
            "groups": rows,
            "community_address": incoming_address(community=community),
        },
    )
