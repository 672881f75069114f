"""A person's own settings: their profile and what of it others see, and the organisation they work for."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import OrganisationProposalForm, ProfileSettingsForm
from .models import User
from .services import MAX_OPEN_PROPOSALS, OrganisationError, organization_propose


@login_required
def profile_settings(request):
    """Let a person edit their profile and choose what other members see of it."""
    # A fresh copy: a rejected form must not leave half-applied values on request.user.
    person = User.objects.select_related("organization").get(pk=request.user.pk)
    if request.method == "POST":
        form = ProfileSettingsForm(request.POST, instance=person)
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, _("Your profile is saved."))
            return redirect("members:profile")
        messages.error(request, _("Your profile was not saved: please correct the fields marked below."))
    else:
        form = ProfileSettingsForm(instance=person)
    return render(request, "members/profile_settings.html", {"form": form})


@login_required
def organisation_propose(request):
    """ "My organisation is not listed": propose one; it is set on the person's profile at once, unverified.

    When the name is already listed in that country, the page offers that organisation instead
    (the same form sent again with use_existing chooses it).
    """
    existing = None
    if request.method == "POST":
        form = OrganisationProposalForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                organization = organization_propose(
                    by=request.user,
                    name=data["name"],
                    kind=data["kind"],
                    country=str(data["country"] or ""),
                    city=data["city"],
                    website=data["website"],
                    use_existing=bool(request.POST.get("use_existing")),
                )
            except OrganisationError as error:
                form.add_error(None, error.text)
                existing = error.existing
            else:
                if organization.is_verified:
                    messages.success(request, _("%(name)s is your organisation now.") % {"name": organization.name})
                else:
                    messages.success(
                        request,
                        _(
                            "%(name)s is your organisation now. It awaits verification: a coordinator of a "
                            "community reserved to some kinds of organisation checks it before it counts there."
                        )
                        % {"name": organization.name},
                    )
                return redirect("members:profile")
    else:
        form = OrganisationProposalForm()
    context = {"form": form, "existing": existing, "max_open_proposals": MAX_OPEN_PROPOSALS}
    return render(request, "members/organisation_propose.html", context)
