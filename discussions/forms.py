"""Forms of the discussion pages (the services check everything again)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from communities import permissions
from communities.models import Group
from members.bidi import interface_language

from .services._common import BODY_LIMIT, TITLE_LIMIT

MARKDOWN_HELP = _("Markdown: **bold**, *italic*, > quote, [link](https://…). Mention a member with @ and their name.")


def _body_field(label):
    return forms.CharField(
        label=label,
        max_length=BODY_LIMIT,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        help_text=MARKDOWN_HELP,
    )


def _language_field():
    # Optional: a form sent without it (an old page, a script) takes the author's language, as email does.
    return forms.ChoiceField(
        label=_("Language of your text"), choices=settings.LANGUAGES, initial=interface_language, required=False
    )


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_LIMIT, widget=forms.TextInput(attrs={"dir": "auto"}))
    body = _body_field(_("Message"))
    language = _language_field()
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("The whole community"),
        to_field_name="slug",
        help_text=_("Only the groups you may write in are listed."),
    )

    def __init__(self, *args, community, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.filter(
            community=community, pk__in=permissions.postable_group_ids(user)
        ).in_order()


class ReplyForm(forms.Form):
    body = _body_field(_("Your reply"))
    language = _language_field()


class PostEditForm(forms.Form):
    body = _body_field(_("Message"))


class FlagForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should the moderators look at this post?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Optional."),
    )


class MoveForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Move to"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("The whole community"),
        to_field_name="slug",
    )

    def __init__(self, *args, community, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = (
            Group.objects.unarchived()
            .filter(community=community, pk__in=permissions.managed_group_ids(user))
            .in_order()
        )
