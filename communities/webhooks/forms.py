"""The console's webhook endpoint form: address, description, events."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import WebhookEndpoint
from .services import WebhookError, clean_url


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Address (URL)"),
        max_length=500,
        help_text=_("An https address of your system; the portal posts a signed JSON body to it for each event."),
        widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEndpoint.Event.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    def clean_url(self) -> str:
        try:
            return clean_url(self.cleaned_data["url"])
        except WebhookError as error:
            raise forms.ValidationError(error.text, code=error.code) from None
