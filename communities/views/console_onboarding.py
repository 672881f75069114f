"""The console's onboarding: invite many people at once (a pasted list or a CSV), previewed, then confirmed.

A coordinator invites into the community or any group; a facilitator only into the groups
they run. The preview writes nothing; its confirm button carries the checked list signed
(for this community and person, for an hour), and the service checks it all again before
inviting anyone, so a stale, tampered or repeated confirm invites nobody twice.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..onboarding import plan_invitations
from ..onboarding.forms import OnboardingForm, read_batch, sign_batch
from ..services import MembershipError, invitations_bulk_create
from ._console import console_scope


def _render(request, *, is_coordinator: bool, form, plan=None, token: str = "", status: int = 200):
    context = {
        "community": request.community,
        "is_coordinator": is_coordinator,
        "console_section": "onboarding",
        "console_title": _("Onboarding"),
        "form": form,
        "plan": plan,
        "token": token,
    }
    return render(request, "communities/console/onboarding.html", context, status=status)


def _edit_form(*, groups, is_coordinator: bool, text: str, group, role: str, message: str) -> OnboardingForm:
    """Return the form filled with the list just checked, so it can be corrected and previewed again."""
    return OnboardingForm(
        initial={"addresses": text, "group": group, "role": role, "message": message},
        groups=groups,
        whole_community=is_coordinator,
    )


@login_required
def manage_onboarding(request, community_slug):
    """Show the onboarding form (GET), preview a list (POST), or invite a previewed list (POST confirm)."""
    is_coordinator, groups = console_scope(request)
    groups = groups.filter(archived_at__isnull=True)
    community = request.community
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, is_coordinator=is_coordinator, groups=groups)
    if request.method != "POST":
        return _render(
            request, is_coordinator=is_coordinator, form=OnboardingForm(groups=groups, whole_community=is_coordinator)
        )
    form = OnboardingForm(request.POST, request.FILES, groups=groups, whole_community=is_coordinator)
    if not form.is_valid():
        return _render(request, is_coordinator=is_coordinator, form=form, status=400)
    data = form.cleaned_data
    text, group, role, message = data["text"], data["group"], data["role"], data["message"]
    plan = plan_invitations(community=community, by=request.user, text=text, default_group=group, default_role=role)
    token = ""
    if plan.ok and plan.to_send:
        token = sign_batch(community=community, by=request.user, text=text, group=group, role=role, message=message)
    edit = _edit_form(groups=groups, is_coordinator=is_coordinator, text=text, group=group, role=role, message=message)
    return _render(
        request, is_coordinator=is_coordinator, form=edit, plan=plan, token=token, status=200 if plan.ok else 400
    )


def _confirm(request, *, is_coordinator: bool, groups):
    community = request.community
    batch = read_batch(request.POST.get("token", ""), community=community, by=request.user)
    group = None
    if batch is not None and batch["g"] is not None:
        group = groups.filter(pk=batch["g"]).first()
        if group is None:
            batch = None  # the group was archived, or the person no longer runs it
    if batch is None:
        messages.error(
            request, _("This preview has expired or is not valid: nobody was invited. Preview the list again.")
        )
        form = OnboardingForm(groups=groups, whole_community=is_coordinator)
        return _render(request, is_coordinator=is_coordinator, form=form, status=400)
    text, role, message = batch["t"], batch["r"], batch["m"]
    try:
        result = invitations_bulk_create(
            community=community, by=request.user, text=text, group=group, role=role, message=message
        )
    except MembershipError as error:
        messages.error(request, error.text)
        return redirect(reverse("communities:manage_onboarding", kwargs={"community_slug": community.slug}))
    if not result.ok:
        messages.error(request, _("The list changed since the preview and has errors now: nobody was invited."))
        edit = _edit_form(
            groups=groups, is_coordinator=is_coordinator, text=text, group=group, role=role, message=message
        )
        return _render(request, is_coordinator=is_coordinator, form=edit, plan=result.plan, status=400)
    sent, skipped = len(result.sent), len(result.plan.skipped) + len(result.plan.to_send) - len(result.sent)
    if sent:
        messages.success(
            request, ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", sent) % {"count": sent}
        )
    if skipped:
        messages.info(
            request,
            ngettext(
                "%(count)d person was already a member or already invited: nothing was sent to them.",
                "%(count)d people were already members or already invited: nothing was sent to them.",
                skipped,
            )
            % {"count": skipped},
        )
    return redirect(reverse("communities:manage_onboarding", kwargs={"community_slug": community.slug}))
