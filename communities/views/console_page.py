"""The console's community page: description, logo, accent, languages, places, audience and host name."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..forms_console_page import CommunityPageForm
from ..services.community import CommunityPageError, community_update, host_name_served
from ._console import coordinator_only


@login_required
def manage_page(request, community_slug):
    """Show the community page's form (coordinators only); a valid POST saves it through community_update."""
    community = coordinator_only(request)
    status = 200
    if request.method == "POST":
        form = CommunityPageForm(request.POST, request.FILES, community=community)
        if form.is_valid():
            try:
                updated = community_update(community=community, by=request.user, **form.service_fields())
            except CommunityPageError as refusal:
                if hasattr(refusal, "error_dict"):
                    form.add_error(None, refusal)
                else:
                    form.add_error(None, refusal.messages)
            else:
                messages.success(request, _("The community page was saved."))
                if not host_name_served(updated.domain):
                    messages.warning(
                        request,
                        _(
                            "The portal does not answer at %(host)s yet: ask the portal's staff to add it to the "
                            "allowed host names and to point its DNS to the portal."
                        )
                        % {"host": updated.domain},
                    )
                return redirect(reverse("communities:manage_page", kwargs={"community_slug": updated.slug}))
        status = 400
    else:
        form = CommunityPageForm(initial=CommunityPageForm.initial_for(community), community=community)
    context = {
        "community": community,
        "is_coordinator": True,
        "console_section": "page",
        "console_title": _("Community page"),
        "form": form,
    }
    return render(request, "communities/console/page.html", context, status=status)
