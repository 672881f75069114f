"""The console's partners (coordinators only): current and ended partners, adding, editing and ending one.

Adding starts with a search (a GET form answered on the server, so it works without
JavaScript) among verified organisations and this community's own partners.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..access import door, resolve
from ..forms_partners import OrganisationSearchForm, PartnerAddForm, PartnershipForm
from ..models import Partnership
from ..selectors_partners import (
    console_ended_partnerships,
    console_partner_roles,
    console_partnerships,
    organisation_search,
    partner_candidates,
)
from ..services import PartnerError, partnership_add, partnership_end, partnership_update
from ._common import _next_url, _post_only

SEARCH_PAGE_SIZE = 20


def _partners_url(community) -> str:
    return reverse("communities:manage_partners", kwargs={"community_slug": community.slug})


def _context(community, **extra) -> dict:
    return {"community": community, "is_coordinator": True, "console_section": "partners", **extra}


@door("manage")
def manage_partners(request, community):
    """List current partners by role and ended ones; search organisations to add (name, city, country)."""
    search = OrganisationSearchForm(request.GET or None)
    criteria = search.criteria()
    results = None
    if criteria:
        found = organisation_search(community=community, **criteria)
        results = Paginator(found, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context = _context(
        community,
        console_title=_("Partners"),
        partnerships=list(console_partnerships(community=community)),
        ended=list(console_ended_partnerships(community=community)),
        roles=list(console_partner_roles(community=community)),
        search=search,
        results=results,
        search_query=urlencode(criteria),
        current_url=request.get_full_path(),
    )
    return render(request, "communities/console/partners.html", context)


@door("manage")
def manage_partner_add(request, community):
    """Add the organisation chosen in the search results under a role (or reopen its ended partnership)."""
    if (response := _post_only(request)) is not None:
        return response
    form = PartnerAddForm(request.POST, community=community, organisations=partner_candidates(community=community))
    back = _next_url(request, _partners_url(community))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    organisation, role = form.cleaned_data["organization"], form.cleaned_data["role"]
    try:
        partnership_add(community=community, organization=organisation, role=role, by=request.user)
    except PartnerError as error:
        messages.error(request, error.text)
    else:
        messages.success(
            request, _("%(name)s is a partner as %(role)s.") % {"name": organisation.name, "role": role.name}
        )
    return redirect(back)


@door("manage")
def manage_partner_edit(request, community, partnership_pk):
    """Change a partnership's role, reporting labels, start date and notes."""
    partnership = resolve(
        request,
        Partnership.objects.filter(community=community).select_related("organization", "role"),
        pk=partnership_pk,
    )
    initial = {
        "role": partnership.role,
        "dimension_values": list(partnership.dimension_values.all()),
        "since": partnership.since,
        "notes": partnership.notes,
    }
    form = PartnershipForm(request.POST or None, initial=initial, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            partnership_update(partnership=partnership, by=request.user, **form.cleaned_data)
        except PartnerError as error:
            form.add_error(None, error.text)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": partnership.organization.name})
            return redirect(_partners_url(community))
    context = _context(
        community,
        console_title=_("Edit partner: %(name)s") % {"name": partnership.organization.name},
        partnership=partnership,
        form=form,
    )
    return render(request, "communities/console/partner_form.html", context, status=400 if form.errors else 200)


@door("manage")
def manage_partner_end(request, community, partnership_pk):
    """End a partnership today: it leaves the community page and the reports, and stays on record."""
    partnership = resolve(
        request, Partnership.objects.filter(community=community).select_related("organization"), pk=partnership_pk
    )
    if (response := _post_only(request)) is not None:
        return response
    if not partnership.is_ended:
        partnership_end(partnership=partnership, by=request.user)
        messages.success(request, _("The partnership of %(name)s ended.") % {"name": partnership.organization.name})
    else:
        messages.info(request, _("This partnership had already ended."))
    return redirect(_partners_url(community))
