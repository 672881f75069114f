"""Certificates of attendance: the organisers' page (settings, bulk issue as a zip or by email),
a participant's own PDF, and the public verification page the PDF links to."""

from __future__ import annotations

import io
import zipfile

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from communities.access import deny

from .. import certificates, selectors, services
from ..models import MeetingOutcome, Registration
from ._common import _apply_errors, _meeting_or_none, _organised


class CertificateSettingsForm(forms.Form):
    enabled = forms.BooleanField(
        label=gettext_lazy("Offer certificates of attendance for this meeting"), required=False
    )
    hours = forms.DecimalField(
        label=gettext_lazy("Hours on the certificates"),
        required=False,
        min_value=0.5,
        max_value=999,
        decimal_places=1,
        help_text=gettext_lazy("Leave empty to count the length of a one-day meeting; required for longer ones."),
    )


def _pdf_response(pdf: bytes, name: str, *, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def certificates_manage(request, community_slug, meeting_pk):
    """The organisers' page: who was present, which certificates are issued, settings, bulk issue."""
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    outcome = MeetingOutcome.objects.filter(meeting=meeting).first()
    is_training = meeting.kind in certificates.TRAINING_KINDS
    form = CertificateSettingsForm(
        request.POST if request.POST.get("action") == "settings" else None,
        initial={
            "enabled": bool(outcome and outcome.certificates_enabled),
            "hours": outcome.certificate_hours if outcome else None,
        },
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "settings" and form.is_valid():
            try:
                services.certificate_settings_update(
                    meeting=meeting,
                    by=request.user,
                    enabled=form.cleaned_data["enabled"],
                    hours=form.cleaned_data["hours"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The certificate settings are saved."))
                return redirect("meetings:certificates", community_slug=community_slug, meeting_pk=meeting.pk)
        elif action in {"zip", "email"}:
            try:
                issued = services.certificates_issue_all(meeting=meeting, by=request.user, email=action == "email")
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                if action == "email":
                    messages.success(
                        request,
                        _("%(count)d certificates issued; each person receives theirs by email.")
                        % {"count": len(issued)},
                    )
                    return redirect("meetings:certificates", community_slug=community_slug, meeting_pk=meeting.pk)
                if not issued:
                    messages.info(request, _("Nobody is marked present yet."))
                    return redirect("meetings:certificates", community_slug=community_slug, meeting_pk=meeting.pk)
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                    for certificate in issued:
                        archive.writestr(certificates.filename(certificate), certificates.render_pdf(certificate))
                response = HttpResponse(buffer.getvalue(), content_type="application/zip")
                name = slugify(meeting.title)[:40] or "meeting"
                response["Content-Disposition"] = f'attachment; filename="certificates-{name}.zip"'
                response["Cache-Control"] = "private, no-store"
                return response
    present = list(
        Registration.objects.filter(meeting=meeting, status=Registration.Status.REGISTERED, attended=True)
        .select_related("user", "certificate")
        .order_by("pk")
    )
    return render(
        request,
        "meetings/certificates.html",
        {
            "community": request.community,
            "meeting": meeting,
            "form": form,
            "is_training": is_training,
            "offers": certificates.offers_certificates(meeting, outcome, known=True),
            "hours": certificates.certificate_hours(meeting, outcome),
            "present": present,
            "ended": meeting.is_past,
        },
    )


def certificate_download(request, community_slug, meeting_pk):
    """A participant's own certificate (issued on first download), in their language."""
    meeting = _meeting_or_none(request, meeting_pk)
    if meeting is None:
        return deny(request)
    registration = selectors.registration_of(meeting=meeting, user=request.user)
    if registration is None:
        if not request.user.is_authenticated:
            return deny(request)
        messages.error(request, _("A certificate is given to people marked present, once the meeting is over."))
        return redirect(meeting)
    try:
        certificate = services.certificate_issue(registration=registration, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(meeting)
    return _pdf_response(certificates.render_pdf(certificate), certificates.filename(certificate))


@never_cache
def certificate_verify(request, token):
    """Anyone may check a certificate from its link: the same facts as the PDF, or a clear "not valid" page."""
    certificate = certificates.certificate_from_token(token)
    if certificate is None:
        response = render(request, "meetings/certificate_invalid.html", status=404)
    else:
        response = render(
            request,
            "meetings/certificate_verify.html",
            {"facts": certificates.facts(certificate), "certificate": certificate},
        )
    response["X-Robots-Tag"] = "noindex"
    return response


__all__ = ["certificate_download", "certificate_verify", "certificates_manage"]
