"""Forms of the organisers' pages. They parse input; the services validate and save."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django import forms
from django.conf import settings
from django.db.models import Q
from django.forms.fields import BaseTemporalField
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from taggit.utils import edit_string_for_tags

from communities.models import Community, Membership
from communities.theme_fields import ThemesField, theme_suggestions
from members import organisations
from members.models import TIME_ZONE_CHOICES, Organization
from members.text import validate_one_line

from . import localtime
from .models import ActionItem, Audience, Meeting, MeetingOutcome
from .recurrence import Frequency, SeriesRule

LOCAL_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
UNKNOWN_ZONE = _("“%(value)s” is not a time zone we know. Choose one from the list, such as Europe/Rome.")
REPEATED_HOUR = _(
    "In the meeting's time zone. On the night the clocks go back, a time that happens twice means the first one."
)


class OneLineField(forms.CharField):
    """A title, a name or a place: one line, without control characters or direction overrides."""

    default_validators = [validate_one_line]


def _country_choices() -> list[tuple[str, str]]:
    """Return the countries named and sorted in the active language (a callable: evaluated per form)."""
    return [("", "—"), *countries]


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the meeting's own zone: parsed naive, placed in that zone by the form."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = LOCAL_INPUT_FORMATS

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        # BaseTemporalField parses with input_formats and skips the current-time-zone conversion.
        return BaseTemporalField.to_python(self, value)

    def strptime(self, value, format):  # noqa: A002 - Django's signature
        return datetime.strptime(value, format)

    def validate(self, value):
        super().validate(value)
        if not localtime.year_in_range(value):
            raise localtime.out_of_range_error()

    def prepare_value(self, value):
        return value


class BoundedDateField(forms.DateField):
    """A day within the years meetings may use (see meetings.localtime)."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def validate(self, value):
        super().validate(value)
        if not localtime.year_in_range(value):
            raise localtime.out_of_range_error()


def _place_fields(form: forms.Form, cleaned: dict, names: tuple[str, ...], zone_name: str) -> None:
    """Replace each naive local time in cleaned by its moment in zone_name, or add the field's error."""
    for name in names:
        if cleaned.get(name) is None:
            continue
        try:
            cleaned[name] = localtime.place(cleaned[name], zone_name)
        except forms.ValidationError as error:
            form.add_error(name, error)


def _naive_local(value: datetime | None, zone_name: str) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None)


def host_organisations(community: Community, user, *, keep=None):
    """Return the organisations that may host a meeting of community: its partners and its members' organisations.

    Only those user may see are offered (members.organisations.visible_to: not a partner of a hidden or
    members-only community user is not in, not someone else's unverified proposal); keep (an id) stays
    offered, so editing a meeting does not drop the host it has.
    """
    member_orgs = Membership.objects.active().filter(community=community).values("user__organization")
    offered = Q(partnerships__community=community) | Q(pk__in=member_orgs)
    visible = Q(pk__in=organisations.visible_to(user).order_by().values("pk"))
    return Organization.objects.filter((offered & visible) | Q(pk=keep)).distinct()


class MeetingFieldsMixin(forms.Form):
    """The fields every meeting has, shared by the meeting form and the series form."""

    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=Meeting.Kind.choices)
    title = OneLineField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    language = forms.ChoiceField(
        label=_("Written in"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("The language of the title, description and agenda; readers see it marked, or a translation."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=Meeting.Format.choices, widget=forms.RadioSelect)
    time_zone = forms.ChoiceField(
        label=_("Time zone of the meeting"),
        choices=TIME_ZONE_CHOICES,
        initial="Europe/Rome",
        help_text=_("Times above are in this zone; people see them in their own zone too."),
        error_messages={"invalid_choice": UNKNOWN_ZONE},
    )
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=None, required=False, empty_label=_("The whole community")
    )
    venue = OneLineField(label=_("Venue"), max_length=200, required=False)
    city = OneLineField(label=_("City"), max_length=120, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices, required=False)
    online_url = forms.URLField(
        label=_("Online link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Shown only to people registered for the meeting."),
    )
    host_organization = forms.ModelChoiceField(
        label=_("Host organisation"), queryset=Organization.objects.none(), required=False
    )
    audience = forms.MultipleChoiceField(
        label=_("Audience"), choices=Audience.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    themes = ThemesField(label=_("Themes"))
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, required=False, help_text=_("Leave empty for no limit.")
    )
    registration_policy = forms.ChoiceField(label=_("Registration"), choices=Meeting.RegistrationPolicy.choices)
    visibility = forms.ChoiceField(
        label=_("Who can see the meeting"), choices=Meeting.Visibility.choices, widget=forms.RadioSelect
    )

    def setup(self, *, community: Community, user, groups, group_required: bool) -> None:
        if not self.initial.get("language"):
            # The author writes in their interface language unless they say otherwise.
            self.initial["language"] = (get_language() or community.default_language).split("-")[0]
        self.fields["group"].queryset = groups
        self.fields["group"].required = group_required
        if group_required:
            self.fields["group"].empty_label = None
        hosts = host_organisations(community, user, keep=self.initial.get("host_organization"))
        self.fields["host_organization"].queryset = hosts.order_by("name")
        self.fields["themes"].set_suggestions(theme_suggestions(community))


class MeetingForm(MeetingFieldsMixin):
    start = LocalDateTimeField(label=_("Starts at"), help_text=REPEATED_HOUR)
    end = LocalDateTimeField(label=_("Ends at"))
    registration_deadline = LocalDateTimeField(
        label=_("Registration deadline"), required=False, help_text=_("Optional; in the meeting's time zone.")
    )
    online_capacity = forms.IntegerField(
        label=_("Online seats"),
        min_value=1,
        required=False,
        help_text=_(
            "Hybrid meetings that ask how people attend: the capacity above is then the seats in the room, "
            "and this the seats online (empty: no limit)."
        ),
    )

    field_order = [
        "kind",
        "title",
        "description",
        "language",
        "group",
        "format",
        "start",
        "end",
        "time_zone",
        "venue",
        "city",
        "country",
        "online_url",
        "host_organization",
        "audience",
        "themes",
        "capacity",
        "online_capacity",
        "registration_policy",
        "registration_deadline",
        "visibility",
    ]

    def __init__(self, *args, community: Community, user, groups, group_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(community=community, user=user, groups=groups, group_required=group_required)

    @classmethod
    def initial_from(cls, meeting: Meeting) -> dict:
        zone = meeting.time_zone
        return {
            "kind": meeting.kind,
            "title": meeting.title,
            "description": meeting.description,
            "language": meeting.content_language,
            "format": meeting.format,
            "start": _naive_local(meeting.start, zone),
            "end": _naive_local(meeting.end, zone),
            "time_zone": zone,
            "group": meeting.group_id,
            "venue": meeting.venue,
            "city": meeting.city,
            "country": str(meeting.country) if meeting.country else "",
            "online_url": meeting.online_url,
            "host_organization": meeting.host_organization_id,
            "audience": meeting.audience,
            "themes": edit_string_for_tags(meeting.themes.all()),
            "capacity": meeting.capacity,
            "online_capacity": meeting.online_capacity,
            "registration_policy": meeting.registration_policy,
            "registration_deadline": _naive_local(meeting.registration_deadline, zone),
            "visibility": meeting.visibility,
        }

    def service_fields(self) -> tuple[dict, list[str]]:
        """Return (fields for meeting_schedule/meeting_update, themes) with times placed in the meeting's zone."""
        data = dict(self.cleaned_data)  # times already placed in the meeting's zone by clean()
        themes = data.pop("themes") or []
        data["country"] = data.get("country") or ""
        return data, themes

    def clean(self):
        cleaned = super().clean()
        # Times are read in the meeting's zone; without a valid zone they cannot be placed.
        if "time_zone" not in cleaned:
            for name in ("start", "end", "registration_deadline"):
                cleaned.pop(name, None)
        else:
            _place_fields(self, cleaned, ("start", "end", "registration_deadline"), cleaned["time_zone"])
        return cleaned


class DuplicateForm(forms.Form):
    """The new start of a copy, typed in the meeting's zone and cleaned to a moment (UTC)."""

    start = LocalDateTimeField(label=_("New start"), help_text=_("In the meeting's time zone."))

    def __init__(self, *args, zone_name: str, **kwargs):
        self.zone_name = zone_name
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        _place_fields(self, cleaned, ("start",), self.zone_name)
        return cleaned


class SeriesForm(MeetingFieldsMixin):
    """A recurring meeting: the usual fields plus the rule, e.g. every month on the first Tuesday at 11:00."""

    frequency = forms.ChoiceField(
        label=_("Repeats"),
        choices=[(Frequency.MONTHLY, _("Every month")), (Frequency.WEEKLY, _("Every week"))],
    )
    ordinal = forms.TypedChoiceField(
        label=_("Which week of the month"),
        coerce=int,
        required=False,
        choices=[(1, _("first")), (2, _("second")), (3, _("third")), (4, _("fourth")), (-1, _("last"))],
        help_text=_("For monthly meetings, e.g. the first Tuesday."),
    )
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"),
        coerce=int,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    start_time = forms.TimeField(
        label=_("Local start time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=REPEATED_HOUR,
    )
    duration_minutes = forms.IntegerField(label=_("Duration in minutes"), min_value=5, max_value=24 * 60, initial=60)
    starts_on = BoundedDateField(label=_("From"))
    until = BoundedDateField(label=_("Until"))

    field_order = [
        "kind",
        "title",
        "description",
        "language",
        "group",
        "format",
        "frequency",
        "ordinal",
        "weekday",
        "start_time",
        "duration_minutes",
        "time_zone",
        "starts_on",
        "until",
    ]

    def __init__(self, *args, community: Community, user, groups, group_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(community=community, user=user, groups=groups, group_required=group_required)

    def rule(self) -> SeriesRule:
        data = self.cleaned_data
        return SeriesRule(
            frequency=data["frequency"],
            weekday=data["weekday"],
            ordinal=(data.get("ordinal") or 1) if data["frequency"] == Frequency.MONTHLY else None,
            start_time=data["start_time"],
            duration_minutes=data["duration_minutes"],
            time_zone=data["time_zone"],
            starts_on=data["starts_on"],
            until=data["until"],
        )

    def service_fields(self) -> tuple[dict, list[str]]:
        rule_fields = {"frequency", "ordinal", "weekday", "start_time", "duration_minutes", "starts_on", "until"}
        data = {k: v for k, v in self.cleaned_data.items() if k not in rule_fields and k != "time_zone"}
        themes = data.pop("themes") or []
        data["country"] = data.get("country") or ""
        return data, themes


class AgendaItemForm(forms.Form):
    starts_at = LocalDateTimeField(label=_("Time"), required=False, help_text=_("In the meeting's time zone."))
    title = OneLineField(label=_("Title"), max_length=300)
    speaker = OneLineField(label=_("Speaker"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        self.meeting = meeting
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        _place_fields(self, cleaned, ("starts_at",), self.meeting.time_zone)
        return cleaned

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class CloseForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    decisions = forms.CharField(
        label=_("Decisions"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One decision per line."),
    )
    mail_to = forms.ChoiceField(
        label=_("Email the minutes to"),
        choices=MeetingOutcome.MailTo.choices,
        initial=MeetingOutcome.MailTo.PARTICIPANTS,
        widget=forms.RadioSelect,
        required=False,
        help_text=format_lazy(
            "{} {}",
            _("The participants are the people marked present when attendance was taken, else everyone registered."),
            _("They are emailed once, when first published; saving an edit later sends nothing unless you ask."),
        ),
    )
    send_again = forms.BooleanField(label=_("Send the minutes again (they were edited)"), required=False)
    seen_round = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, outcome: MeetingOutcome | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_round"].initial = outcome.mail_round if outcome else 0
        if outcome is not None:
            # Minutes already saved (and perhaps sent): nothing is sent unless the organiser asks.
            self.fields["mail_to"].initial = outcome.mail_to if outcome.mail_round else MeetingOutcome.MailTo.NOBODY
        if outcome is None or not outcome.mail_round:
            del self.fields["send_again"]
        else:
            self.fields["mail_to"].label = _("Recipients, if you send them again")


class ActionItemForm(forms.Form):
    item_id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    description = OneLineField(label=_("Action"), max_length=500, required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False, empty_label=_("Not a member"))
    owner_name = OneLineField(label=_("Owner (if not a member)"), max_length=200, required=False)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=ActionItem.Status.choices, initial=ActionItem.Status.OPEN, required=False
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("description") and (cleaned.get("owner") or cleaned.get("owner_name")):
            self.add_error("description", _("Say what has to be done."))
        return cleaned


class BaseActionItemFormSet(forms.BaseFormSet):
    def __init__(self, *args, members=None, **kwargs):
        self.members = members
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"members": self.members}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True, members=self.members
        )
        self.add_fields(form, None)
        return form


ActionItemFormSet = forms.formset_factory(ActionItemForm, formset=BaseActionItemFormSet, extra=3, max_num=50)


class WalkInForm(forms.Form):
    name = OneLineField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Email address"), required=False, help_text=_("Optional; an existing account is recognised.")
    )
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects.none(), required=False)
    organization_name = OneLineField(label=_("Organisation (if not listed)"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices, required=False)

    def __init__(self, *args, community: Community, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = host_organisations(community, user).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name") and not cleaned.get("email"):
            raise forms.ValidationError(_("Give the name or the email address of the person who came."))
        return cleaned


class PersonByEmailForm(forms.Form):
    email = forms.EmailField(label=_("Email address of a member"))


class PersonChoiceForm(forms.Form):
    """One person, by id, among people (the search results offered, or the current co-organisers)."""

    user = forms.ModelChoiceField(
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose a person from the list.")},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
