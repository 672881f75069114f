"""People and the organisations they work for."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from taggit.managers import TaggableManager


class TrigramIndex(GinIndex):
    """A trigram GIN index on UPPER(field) (what icontains compares) on PostgreSQL; none elsewhere.

    It lets a search for a fragment of a name (people search, icontains) find the few rows that
    have it instead of reading every person and organisation.
    """

    def __init__(self, *, field: str, name: str):
        super().__init__(OpClass(Upper(field), name="gin_trgm_ops"), name=name)
        self.field = field

    def deconstruct(self):
        path, _args, kwargs = super().deconstruct()
        return path, (), {"field": self.field, "name": self.name}

    def _plain(self) -> models.Index:
        """The index elsewhere (SQLite): a plain one on the field, under the same name."""
        return models.Index(fields=[self.field], name=self.name)

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


# An erased person keeps their row (foreign keys, counts) under this address, which no mail server accepts
# (RFC 2606 reserves .invalid); the ledger sends nothing to it.
ERASED_EMAIL_FORMAT = "erased-{pk}@invalid"


def erased_email(pk: int) -> str:
    return ERASED_EMAIL_FORMAT.format(pk=pk)


def is_erased_address(email: str | None) -> bool:
    return bool(email) and email.lower().startswith("erased-") and email.lower().endswith("@invalid")


TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]
# The same names as a set, read once: zoneinfo.available_timezones() walks the zone files on every
# call (8 ms here), and the middleware checks every visitor's cop_tz cookie against it.
TIME_ZONE_NAMES = frozenset(name for name, _label in TIME_ZONE_CHOICES)


class Organization(models.Model):
    """A partner: a municipality, university, public body, NGO and so on."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Region")
        UNIVERSITY = "university", _("University")
        PUBLIC_BODY = "public_body", _("Public body")
        NGO = "ngo", _("NGO / third sector")
        BUSINESS = "business", _("Business")
        RESEARCH_CENTRE = "research_centre", _("Research centre")
        FOUNDATION = "foundation", _("Foundation")
        SCHOOL = "school", _("School")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    country = CountryField(_("country"), blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    # A person may propose an organisation that is not listed: it is usable on their profile
    # at once, but counts for a community reserved to organisation kinds only once verified.
    is_verified = models.BooleanField(_("verified"), default=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["name", "country"], name="organization_unique_name_country")]
        indexes = [TrigramIndex(field="name", name="organization_name_trgm")]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email: str):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """One person, one account, whatever the number of communities they belong to."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Rome")
    language = models.CharField(_("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en")
    expertise = TaggableManager(verbose_name=_("expertise"), blank=True, help_text=_("A comma-separated list."))
    bio = models.TextField(_("about me"), blank=True)
    spoken_languages = models.JSONField(
        _("languages I speak"), default=list, blank=True, help_text=_("Language codes, e.g. en, it, ar, fr.")
    )
    # What other members of shared communities see of the profile (the person chooses).
    listed_in_directory = models.BooleanField(_("list me in the member directories of my communities"), default=True)
    show_email = models.BooleanField(_("show my email address to members of my communities"), default=False)
    show_job_title = models.BooleanField(_("show my job title"), default=True)
    show_country = models.BooleanField(_("show my country"), default=True)
    show_expertise = models.BooleanField(_("show my expertise"), default=True)
    show_communities = models.BooleanField(_("show the communities we share"), default=True)
    show_in_network = models.BooleanField(
        _("show me on the network map across communities"),
        default=False,
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            TrigramIndex(field="full_name", name="user_full_name_trgm"),
            TrigramIndex(field="job_title", name="user_job_title_trgm"),
            TrigramIndex(field="email", name="user_email_trgm"),
            # People in name order (the model's ordering): the console walks a large community's
            # members by it and stops at the page's end instead of sorting them all (issue 15).
            models.Index(fields=["full_name", "email"], name="user_name_order_idx"),
        ]

    def __str__(self) -> str:
        return self.get_full_name()

    @property
    def is_erased(self) -> bool:
        """Return whether the person erased their account (cop_portal.privacy.erasure): only an id is left."""
        return is_erased_address(self.email)

    def get_full_name(self) -> str:
        if self.is_erased:
            return str(_("Former member"))
        return self.full_name or self.email

    def get_short_name(self) -> str:
        if self.is_erased:
            return str(_("Former member"))
        return self.full_name.split(" ")[0] if self.full_name else self.email.split("@")[0]

    def save(self, *args, **kwargs):
        # Email is the login: keep one spelling so "Ann@x" and "ann@x" are one account.
        self.email = self.email.lower()
        super().save(*args, **kwargs)


# --- Notifications: what each person wants, and what was sent to them -----------------------------

DEFAULT_REMINDER_OFFSETS = [1440, 60]  # minutes before a meeting starts: a day, and an hour


def default_reminder_offsets() -> list[int]:
    return list(DEFAULT_REMINDER_OFFSETS)


class NotificationPreference(models.Model):
    """What emails one person wants; a person without a row gets the defaults.

    Muted communities and groups are stored as id lists because members may not import
    communities (the layer above); the services that read them check the ids there.
    """

    class DigestFrequency(models.TextChoices):
        NEVER = "never", _("Never")
        DAILY = "daily", _("Daily, in the morning")
        WEEKLY = "weekly", _("Weekly, on Monday morning")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    reminders_enabled = models.BooleanField(_("send me reminders before meetings I registered for"), default=True)
    reminder_offsets = models.JSONField(_("when to remind me"), default=default_reminder_offsets, blank=True)
    digest_frequency = models.CharField(
        _("digest"), max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    updates_enabled = models.BooleanField(
        _("tell me about decisions, changes and replies that concern me"), default=True
    )
    announcements_enabled = models.BooleanField(
        _("send me the announcements of my communities' coordinators and facilitators"), default=True
    )
    muted_communities = models.JSONField(_("muted communities"), default=list, blank=True)
    muted_groups = models.JSONField(_("muted groups"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_digest_frequency_display()}"

    def active_offsets(self) -> list[int]:
        """Return the reminder offsets in minutes, largest first; none when reminders are off."""
        if not self.reminders_enabled:
            return []
        return sorted({int(value) for value in self.reminder_offsets or [] if int(value) > 0}, reverse=True)


class EmailLedger(models.Model):
    """One row per email the portal means to send, under a unique key; the send claims and marks it.

    The key names what the email is about and for whom (reminder:<reminder>:<user>,
    digest:<user>:<period>, <event>:<object>:<user>), so a retried or duplicated task, a
    second worker or a second beat finds the row and sends nothing twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="email_ledger"
    )
    to_email = models.EmailField(_("to"))
    # The community the email is about, for its coordinators' delivery log (a plain id: members may
    # not import communities).
    community_id = models.BigIntegerField(null=True, blank=True, editable=False)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("email ledger entry")
        verbose_name_plural = _("email ledger")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="ledger_user_recent"),
            models.Index(fields=["community_id", "status", "-created_at"], name="ledger_community_status"),
            models.Index(fields=["kind", "status"], name="ledger_kind_status"),
            # The open entries (/metrics counts them at each scrape): a few among millions sent.
            models.Index(
                fields=["status"], name="ledger_open_status", condition=models.Q(status__in=["queued", "failed"])
            ),
        ]

    def __str__(self) -> str:
        return self.key


class OutboxMessage(models.Model):
    """The intent to run a task, written in the same transaction as the change that causes it.

    members.outbox writes it (enqueue), hands it to the broker once the transaction commits,
    and the beat-driven dispatcher publishes whatever is still pending (a dead broker, a crashed
    web process) or was published long ago without finishing. The task marks its row done.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent to the broker")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    key = models.CharField(max_length=255, unique=True)
    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    published_at = models.DateTimeField(_("sent to the broker"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_state_due")]

    def __str__(self) -> str:
        return f"{self.task_name} {self.key}"


class PersonSession(AbstractBaseSession):
    """A session with the id of the person signed in on it, so that their sessions can be found and ended.

    Django's own session table keeps the person's id only inside the encoded data: ending every
    session of one person (erasure, "sign out everywhere") meant decoding every live session.
    members.sessions, the session engine, fills `user_id` each time a session is saved.
    """

    # A reference without a database constraint (the column as it was, a plain indexed bigint): a session
    # row never holds up a person's deletion, and the session engine of cop_portal reads the person with
    # the session in one query (select_related), instead of a second query on every signed-in request.
    user = models.ForeignKey(
        "members.User",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "members_session"

    @classmethod
    def get_session_store_class(cls):
        from members.sessions import SessionStore

        return SessionStore
