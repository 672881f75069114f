"""The accessibility statement at /accessibility/ and its feedback form (rate limited per visitor)."""

from __future__ import annotations

import uuid
from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from members import outbox
from members.text import multi_line, one_line

from .tasks import accessibility_feedback_send

# The date the statement was last reviewed against the portal; change it with the statement.
STATEMENT_REVIEWED = date(2026, 11, 25)
FEEDBACK_LIMIT = 5  # messages per visitor
FEEDBACK_WINDOW = 3600  # seconds


class CleanedOneLineField(forms.CharField):
    """A one-line value kept whatever it holds (the feedback matters more): control characters,
    NUL and line breaks become spaces before validation, so the page can go in the subject."""

    def to_python(self, value):
        return one_line(super().to_python(value))


class FeedbackForm(forms.Form):
    message = forms.CharField(
        label=_("What did not work for you?"),
        help_text=_("Tell us the page, what you tried to do, and the assistive technology you use, if any."),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Write what did not work, so we can fix it."),
            "min_length": _("Write at least %(limit_value)d characters, so we understand what went wrong."),
        },
    )
    page = CleanedOneLineField(
        label=_("Page address (optional)"),
        required=False,
        max_length=500,
        help_text=_("For example /c/rebuild/meetings/."),
    )
    name = CleanedOneLineField(label=_("Your name (optional)"), required=False, max_length=200)
    email = forms.EmailField(
        label=_("Your email address (optional)"),
        required=False,
        help_text=_("Only to answer you; we never publish it."),
        error_messages={"invalid": _("Enter an email address such as name@example.org, or leave it empty.")},
    )

    def clean_message(self) -> str:
        return multi_line(self.cleaned_data["message"]).strip()


def _visitor_key(request) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR', 'unknown')}"


def feedback_allowed(request) -> bool:
    """Count one message for this visitor; return False when they already sent FEEDBACK_LIMIT this hour."""
    key = f"a11y-feedback-rate:{_visitor_key(request)}"
    cache.add(key, 0, FEEDBACK_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, FEEDBACK_WINDOW)
        count = 1
    return count <= FEEDBACK_LIMIT


@require_http_methods(["GET", "POST"])
def statement(request):
    """Show the accessibility statement; take feedback from its form."""
    status = 200
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            if feedback_allowed(request):
                person = request.user if request.user.is_authenticated else None
                feedback = {
                    "message": form.cleaned_data["message"],
                    "page": form.cleaned_data["page"],
                    "name": form.cleaned_data["name"] or (person.get_full_name() if person else ""),
                    "email": form.cleaned_data["email"] or (person.email if person else ""),
                    "language": translation.get_language() or settings.LANGUAGE_CODE,
                    "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
                }
                key = uuid.uuid4().hex
                outbox.enqueue(accessibility_feedback_send, feedback, key, key=f"accessibility-feedback:{key}")
                messages.success(request, gettext("Thank you. Your message has reached the portal's administrators."))
                return redirect("accessibility:statement")
            form.add_error(
                None,
                gettext(
                    "You have sent several messages in the last hour; please wait a while and send this one again. "
                    "Your text is kept below."
                ),
            )
            status = 429
        else:
            status = 400
    else:
        form = FeedbackForm(initial={"page": one_line(request.GET.get("page", ""), max_length=500)})
    context = {
        "form": form,
        "reviewed": STATEMENT_REVIEWED,
        "contact_email": getattr(settings, "ACCESSIBILITY_FEEDBACK_EMAIL", ""),
    }
    return render(request, "accessibility/statement.html", context, status=status)
