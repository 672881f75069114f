"""The console's Organisations page: verify the organisations the community's people proposed, or merge them.

Coordinators only (anyone else gets 404). The page lists proposals only where the community
or one of its groups is reserved to organisation kinds; elsewhere it says there is nothing to
verify (the kind decides nothing there).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from members.services import OrganisationError

from ..forms_organisations import OrganisationMergeForm, OrganisationVerifyForm
from ..selectors_organisations import organisation_proposals, organizations_visible_to, verification_applies
from ..services import organisation_merge, organisation_verify
from ._common import _post_only
from ._console import coordinator_only


def _page_url(community) -> str:
    return reverse("communities:manage_organisations", kwargs={"community_slug": community.slug})


def _context(request, community, **extra) -> dict:
    return {
        "community": community,
        "is_coordinator": True,
        "console_section": "organisations",
        "console_title": _("Organisations"),
        **extra,
    }


def _proposal_or_none(community, organization_pk):
    """Return the proposal awaiting verification in community, or None (verified or merged meanwhile)."""
    return organisation_proposals(community).filter(pk=organization_pk).first()


def _gone(request, community):
    messages.info(request, _("This organisation no longer awaits verification here."))
    return redirect(_page_url(community))


@login_required
def manage_organisations(request, community_slug):
    """List the organisations awaiting verification that the community's members and requesters proposed."""
    community = coordinator_only(request)
    applies = verification_applies(community)
    proposals = list(organisation_proposals(community)) if applies else []
    rows = [
        (proposal, OrganisationVerifyForm(initial={"kind": proposal.kind}, prefix=f"o{proposal.pk}"))
        for proposal in proposals
    ]
    return render(
        request, "communities/console/organisations.html", _context(request, community, applies=applies, rows=rows)
    )


@login_required
def manage_organisation_verify(request, community_slug, organization_pk):
    """Verify a proposal (optionally correcting its kind); a repeat changes nothing."""
    community = coordinator_only(request)
    if (response := _post_only(request)) is not None:
        return response
    proposal = _proposal_or_none(community, organization_pk)
    if proposal is None:
        return _gone(request, community)
    form = OrganisationVerifyForm(request.POST, prefix=f"o{proposal.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a kind of organisation from the list."))
        return redirect(_page_url(community))
    try:
        organisation_verify(community=community, organization=proposal, by=request.user, kind=form.cleaned_data["kind"])
    except OrganisationError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("%(name)s is verified.") % {"name": proposal.name})
    return redirect(_page_url(community))


@login_required
def manage_organisation_merge(request, community_slug, organization_pk):
    """Merge a proposal into a listed organisation: typed by name; several matches are offered to pick from."""
    community = coordinator_only(request)
    if (response := _post_only(request)) is not None:
        return response
    proposal = _proposal_or_none(community, organization_pk)
    if proposal is None:
        return _gone(request, community)
    candidates = (
        organizations_visible_to(request.user).filter(is_verified=True).exclude(pk=proposal.pk).order_by("name", "pk")
    )
    form = OrganisationMergeForm(request.POST, candidates=candidates)
    if form.is_valid():
        into = form.cleaned_data["into"]
        try:
            organisation_merge(community=community, organization_id=proposal.pk, into=into, by=request.user)
        except OrganisationError as error:
            form.add_error(None, error.text)
        else:
            messages.success(
                request, _("%(proposal)s is merged into %(into)s.") % {"proposal": proposal.name, "into": into.name}
            )
            return redirect(_page_url(community))
    context = _context(request, community, proposal=proposal, form=form)
    context["console_title"] = _("Merge an organisation")
    return render(request, "communities/console/organisation_merge.html", context, status=200)
