"""Meetings and their series, themes, audiences and agenda.

Times are stored in UTC; each meeting keeps its own IANA time zone so pages, emails
and calendar files can show it in the zone it was planned in.
"""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.fields import DateTimeRangeField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from parler.models import TranslatableModelMixin
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from communities.models import Community, Group
from members.models import TIME_ZONE_CHOICES, Organization
from members.reversing import reverse_remembered
from members.typography import country_name, join_comma

from ..querysets import MeetingQuerySet
from ..timefmt import in_zone

UID_DOMAIN = "cop-portal"


class MeetingSearchDocument(models.Expression):
    """The search document of a meeting: its title and description, unstemmed ("simple": a meeting has no language).

    PostgreSQL computes it in a stored generated column, so every write keeps it current (services,
    the admin, bulk inserts and the scale seed's COPY alike); SQLite (make run) stores NULL and
    search falls back to icontains there. It is the vector search used to build on every request.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        return "NULL", []

    def as_postgresql(self, compiler, connection):
        return "to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(description, ''))", []


class MeetingSearchIndex(GinIndex):
    """A GIN index on PostgreSQL; a plain index elsewhere (as knowledge's SearchVectorIndex, a layer above)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return models.Index.create_sql(self, model, schema_editor, using="", **kwargs)

    def check_supported(self, schema_editor):
        return None


class MeetingPeriod(models.Func):
    """tstzrange(start, end, '[]'): the time a meeting takes, both ends included (PostgreSQL only).

    `period__contains=moment` finds the meetings in progress at that moment through
    MeetingPeriodIndex, whatever the length of the history (MeetingQuerySet.upcoming).
    """

    function = "TSTZRANGE"
    template = "%(function)s(%(expressions)s, '[]')"
    output_field = DateTimeRangeField()

    def __init__(self, **extra):
        super().__init__(models.F("start"), models.F("end"), **extra)


class MeetingPeriodIndex(GistIndex):
    """A GiST index on MeetingPeriod (the meetings in progress at a moment) on PostgreSQL; a plain one elsewhere."""

    def __init__(self, *, name: str):
        super().__init__(MeetingPeriod(), name=name)

    def deconstruct(self):
        path, _args, kwargs = super().deconstruct()
        return path, (), {"name": self.name}

    def _plain(self) -> models.Index:
        """The index elsewhere (SQLite, which has no ranges): a plain one on (start, end), same name."""
        return models.Index(fields=["start", "end"], name=self.name)

    def create_sql(self, model, schema_editor, using="", **kwargs):
        # The schema editor executes whatever this returns: a plain index, never None (SQL "None").
        if schema_editor.connection.vendor != "postgresql":
            return self._plain().create_sql(model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return self._plain().remove_sql(model, schema_editor, **kwargs)
        return super().remove_sql(model, schema_editor, **kwargs)

    def check_supported(self, schema_editor):
        return None


def new_uid() -> str:
    """Return a fresh iCalendar UID; it never changes for the life of the meeting."""
    return f"{uuid.uuid4()}@{UID_DOMAIN}"


class Audience(models.TextChoices):
    POLICY_MAKERS = "policy_makers", _("Policy makers")
    TECHNICAL_STAFF = "technical_staff", _("Technical staff")
    COMMUNICATION_STAFF = "communication_staff", _("Communication staff")
    PROJECT_STAFF = "project_staff", _("Project coordinators and key staff")
    RESEARCHERS = "researchers", _("Researchers and universities")
    EDUCATORS = "educators", _("Educators")
    CIVIL_SOCIETY = "civil_society", _("Civil society organisations")
    GENERAL_PUBLIC = "general_public", _("General public")


class ThemedMeeting(TaggedItemBase):
    """The link between a meeting and one of its themes (a taggit tag)."""

    content_object = models.ForeignKey("Meeting", on_delete=models.CASCADE, related_name="themed_items")

    class Meta:
        verbose_name = _("meeting theme")
        verbose_name_plural = _("meeting themes")
        indexes = [
            # The meeting list's theme filter reads the themes of its first 1,000 meetings (theme_choices):
            # from this index alone, without a visit to the table for each link (issue 15).
            models.Index(fields=["content_object", "tag"], name="meeting_theme_by_meeting"),
        ]


class MeetingSeries(models.Model):
    """A recurring meeting: the rule that generated its occurrences, each a Meeting of its own."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="meeting_series")
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="meeting_series")
    title = models.CharField(_("title"), max_length=200)
    rrule = models.TextField(_("recurrence rule"), help_text=_("An RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=+1TU"))
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES)
    starts_on = models.DateField(_("first day"))
    start_time = models.TimeField(_("local start time"))
    duration_minutes = models.PositiveIntegerField(_("duration in minutes"))
    until = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["community", "title"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:series", kwargs={"community_slug": self.community.slug, "series_pk": self.pk})


class Meeting(TranslatableModelMixin, models.Model):
    """One meeting of a community or of one of its groups, planned in its own time zone."""

    class Kind(models.TextChoices):
        STEERING_COMMITTEE = "steering_committee", _("Steering committee")
        TECHNICAL_BOARD = "technical_board", _("Technical board")
        TRAINING_OF_TRAINERS = "training_of_trainers", _("Training of trainers")
        SUMMER_SCHOOL = "summer_school", _("Summer school")
        PLENARY = "plenary", _("Plenary")
        WEBINAR = "webinar", _("Webinar")
        WORKSHOP = "workshop", _("Workshop")
        STUDY_VISIT = "study_visit", _("Study visit")
        PEER_EXCHANGE = "peer_exchange", _("Peer exchange")
        CONFERENCE = "conference", _("Conference")
        INFORMAL = "informal", _("Informal meeting")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class RegistrationPolicy(models.TextChoices):
        OPEN = "open", _("Open: anyone who sees the meeting may register")
        APPROVAL = "approval", _("By approval of the organisers")
        INVITATION = "invitation", _("Invitation only")
        APPLICATIONS = "applications", _("Applications, selected by the organisers")
        NONE = "none", _("No registration")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members of the community only")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="meetings")
    group = models.ForeignKey(
        Group,
        verbose_name=_("group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("Leave empty for a meeting of the whole community."),
    )
    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.WEBINAR)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices, default=Format.ONLINE)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The language of the title, description and agenda (empty: the community's default language).
    language = models.CharField(_("written in"), max_length=8, choices=settings.LANGUAGES, blank=True)
    start = models.DateTimeField(_("starts at"), db_index=True)
    end = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Rome")
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    host_organization = models.ForeignKey(
        Organization,
        verbose_name=_("host organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
    )
    audience = models.JSONField(_("audience"), default=list, blank=True)
    themes = TaggableManager(verbose_name=_("themes"), through=ThemedMeeting, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # A hybrid meeting that asks how people attend counts its seats apart: capacity is then the
    # seats in the room and online_capacity the seats online (None: no limit online).
    online_capacity = models.PositiveIntegerField(_("online seats"), null=True, blank=True)
    registration_policy = models.CharField(
        _("registration"), max_length=16, choices=RegistrationPolicy.choices, default=RegistrationPolicy.OPEN
    )
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    # iCalendar: the UID never changes; SEQUENCE grows when time, place or status changes.
    uid = models.CharField(_("calendar UID"), max_length=255, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Ledger of the "close your meeting" reminder, so the periodic scan sends it once.
    closing_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=MeetingSearchDocument(), output_field=SearchVectorField(null=True), db_persist=True
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        permissions = [
            ("organise_meeting", _("Can organise this meeting (co-organiser)")),
            ("review_applications", _("Can review this meeting's applications")),
            ("translate_meeting", _("Can translate this meeting's title, description and agenda")),
        ]
        indexes = [
            # A community's meetings in time order, covering what the visibility rules and the list's
            # bounds read (issue 15): the meeting list's page count and its theme filter's sample are
            # index-only scans (51 -> 20 ms of SQL for a visitor of REBUILD at network scale, where
            # 9,000 upcoming meetings lay on 7,500 table pages). SQLite builds it without INCLUDE.
            models.Index(
                fields=["community", "start"],
                include=["end", "visibility", "group", "id"],
                name="meeting_community_start",
            ),
            models.Index(fields=["status", "end"]),
            MeetingSearchIndex(fields=["search_vector"], name="meeting_search_gin"),
            # The meetings of a community or a group by status and end (minutes to write on /me/).
            models.Index(fields=["community", "status", "end"], name="meeting_community_status_end"),
            models.Index(fields=["group", "status", "end"], name="meeting_group_status_end"),
            # The meetings in progress now: where the upcoming ones begin (MeetingQuerySet.upcoming).
            MeetingPeriodIndex(name="meeting_period_gist"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="meeting_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse_remembered(
            "meetings:detail", kwargs={"community_slug": self.community.slug, "meeting_pk": self.pk}
        )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> datetime:
        return in_zone(self.start, self.zone)

    @property
    def local_end(self) -> datetime:
        return in_zone(self.end, self.zone)

    @property
    def content_language(self) -> str:
        """Return the language the title, description and agenda are written in."""
        return self.language or self.community.default_language

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    @property
    def has_started(self) -> bool:
        return self.start <= timezone.now()

    @property
    def is_online(self) -> bool:
        return self.format in {self.Format.ONLINE, self.Format.HYBRID}

    @property
    def is_in_person(self) -> bool:
        return self.format in {self.Format.IN_PERSON, self.Format.HYBRID}

    @property
    def takes_registrations(self) -> bool:
        return self.registration_policy in {self.RegistrationPolicy.OPEN, self.RegistrationPolicy.APPROVAL}

    @property
    def takes_applications(self) -> bool:
        return self.registration_policy == self.RegistrationPolicy.APPLICATIONS

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels[value]) for value in self.audience if value in labels]

    def place_label(self) -> str:
        """Return where the meeting happens, in one line (venue, city, country)."""
        parts = [self.venue, self.city, country_name(self.country)]
        return join_comma(part for part in parts if part)


class AgendaItem(TranslatableModelMixin, models.Model):
    """One point of a meeting's agenda, in the order organisers set."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField(_("order"), default=0)
    starts_at = models.DateTimeField(_("time"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title

    @property
    def content_language(self) -> str:
        """Return the language of the title and notes: their meeting's."""
        return self.meeting.content_language
