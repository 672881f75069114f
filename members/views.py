"""A person's own settings: their profile and what of it others see."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import ProfileSettingsForm
from .models import User


@login_required
def profile_settings(request):
    """Let a person edit their profile and choose what other members see of it."""
    # A fresh copy: a rejected form must not leave half-applied values on request.user.
    person = User.objects.get(pk=request.user.pk)
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
