"""A person's own personal-data pages: /me/data/ (a copy of my data), /me/delete/ (erase my account)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from members.storage import serve_stored_file

from .erasure import person_erase
from .export import EXPORT_VALID_DAYS, data_export_request, downloadable, export_storage
from .notice import consent_record, notice_latest, notice_to_accept


class ErasureConfirmForm(forms.Form):
    """The person's password, so that an open session left behind cannot erase the account."""

    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password: nothing was erased."))
        return password


@login_required
def account_delete(request):
    """Explain what erasing the account does, and erase it once the person confirms with their password."""
    form = ErasureConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            person_erase(person=request.user, by=request.user, reason="")
            logout(request)
            messages.success(request, _("Your account is erased. Thank you for taking part."))
            return redirect("directory")
        messages.error(request, _("Your account was not erased: please correct the field marked below."))
    return render(request, "privacy/account_delete.html", {"form": form})


@login_required
def data_page(request):
    """Explain what the copy of one's data holds, offer to build one, and list the ones ready to download."""
    exports = list(downloadable(request.user))
    return render(request, "privacy/data.html", {"exports": exports, "days": EXPORT_VALID_DAYS})


@login_required
@require_POST
def data_request(request):
    """Ask for a copy of one's data: it is built in the background and its link emailed."""
    data_export_request(user=request.user)
    messages.success(request, _("Your copy is being prepared: we will email you a link when it is ready."))
    return redirect("me:data")


@login_required
def data_download(request, export_pk):
    """Serve one of the person's own exports, while valid; anyone else's, or an expired one, is a 404."""
    export = get_object_or_404(downloadable(request.user), pk=export_pk)
    response = serve_stored_file(
        export_storage(export.path),
        export.path,
        filename=f"my-data-{export.requested_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def privacy_notice(request):
    """Show the deployment's privacy notice (its latest version), with an accept button for who has not yet."""
    notice = notice_latest()
    return render(request, "privacy/notice.html", {"notice": notice, "to_accept": notice_to_accept(request.user)})


@login_required
@require_POST
def privacy_accept(request):
    """Record that the person accepts the version of the notice they were shown (a stale version changes nothing)."""
    notice = notice_latest()
    if notice is None or str(notice.pk) != request.POST.get("notice", ""):
        messages.error(request, _("The privacy notice changed since you opened it: please read it again."))
        return redirect("privacy_notice")
    consent_record(user=request.user, notice=notice)
    messages.success(request, _("Thank you: your acceptance of the privacy notice is recorded."))
    return redirect(request.POST.get("next") if request.POST.get("next") == "/me/" else "privacy_notice")
