"""The tenant core: communities, their groups, and who belongs to them."""

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from taggit.managers import TaggableManager

from members.models import Organization

from .querysets import CommunityQuerySet, GroupQuerySet, InvitationQuerySet, MembershipQuerySet, PartnershipQuerySet

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open to anyone")
    APPROVAL = "approval", _("By request, approved by coordinators")
    INVITATION = "invitation", _("By invitation only")


def _language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class Community(models.Model):
    """A community of practice: the tenant that owns groups, members, meetings and knowledge."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members only")
        HIDDEN = "hidden", _("Hidden")

    JoinPolicy = JoinPolicy

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("Language codes, e.g. en, it."))
    default_language = models.CharField(_("default language"), max_length=8, choices=settings.LANGUAGES, default="en")
    accent_color = models.CharField(_("accent colour"), max_length=7, default="#1f5f8b", validators=[hex_colour])
    logo = models.ImageField(_("logo"), upload_to="communities/logos/", blank=True)
    # Made from logo by services.community_logo_variant_update: what pages show (a few KB, not the upload).
    logo_small = models.ImageField(
        _("small logo"),
        upload_to="communities/logos/small/",
        blank=True,
        editable=False,
        help_text=_("Made from the logo when it is saved: at most 128 pixels wide and high."),
    )
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    join_policy = models.CharField(_("join policy"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN)
    eligible_organization_kinds = models.JSONField(
        _("reserved to organisation kinds"),
        default=list,
        blank=True,
        help_text=_("Leave empty to let anyone join; otherwise only people from these kinds of organisation."),
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True, help_text=_("e.g. Emilia-Romagna"))
    themes = TaggableManager(verbose_name=_("themes"), blank=True)
    domain = models.CharField(
        _("own host name"), max_length=253, unique=True, null=True, blank=True, help_text=_("e.g. cop.rebuild.eu")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        permissions = [
            ("manage_community", _("Can manage the community, its members, meetings and knowledge")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:home", kwargs={"community_slug": self.slug})

    @property
    def is_reserved(self) -> bool:
        return bool(self.eligible_organization_kinds)

    def language_names(self) -> list[str]:
        names = dict(settings.LANGUAGES)
        return [str(names[code]) for code in self.languages if code in names]


def natural_key(name: str) -> str:
    """Return a sort key that orders names as people read them: "Team 2" before "Team 10"."""
    return re.sub(r"\d+", lambda match: match.group().zfill(12), (name or "").casefold().strip())[:255]


class Group(models.Model):
    """A sub-community: a thematic CoP, a coordination team, a territorial group or a cohort.

    An archived group is read-only: it keeps its members, meetings, knowledge and
    discussions (and counts in reports), but nobody joins it or adds to it.
    """

    class Kind(models.TextChoices):
        THEMATIC = "thematic", _("Thematic community")
        COORDINATION = "coordination", _("Coordination team")
        TERRITORIAL = "territorial", _("Territorial group")
        COHORT = "cohort", _("Cohort")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Shown to everyone who can see the community")
        MEMBERS = "members", _("Shown to members of the community")
        PRIVATE = "private", _("Shown only to its members and the coordinators")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="groups")
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.THEMATIC)
    description = models.TextField(_("description"), blank=True)
    join_policy = models.CharField(_("join policy"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN)
    eligible_organization_kinds = models.JSONField(_("reserved to organisation kinds"), default=list, blank=True)
    dimension_values = models.ManyToManyField(
        "DimensionValue", verbose_name=_("reporting labels"), blank=True, related_name="groups"
    )
    themes = TaggableManager(verbose_name=_("themes"), blank=True)
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower numbers are listed first."))
    sort_name = models.CharField(max_length=255, blank=True, editable=False, db_index=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["community", "position", "sort_name", "pk"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [models.UniqueConstraint(fields=["community", "slug"], name="group_unique_slug_per_community")]
        permissions = [("manage_group", _("Can manage the group, its members and meetings"))]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.sort_name = natural_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("communities:group", kwargs={"community_slug": self.community.slug, "group_slug": self.slug})

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_reserved(self) -> bool:
        return bool(self.eligible_organization_kinds)


class Membership(models.Model):
    """A person's place in a community, or in one group of it, with a role and a status."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        FACILITATOR = "facilitator", _("Facilitator")
        COORDINATOR = "coordinator", _("Coordinator")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    message = models.TextField(_("message"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["community", "group", "user"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community"], condition=Q(group__isnull=True), name="membership_one_per_community"
            ),
            models.UniqueConstraint(
                fields=["user", "group"], condition=Q(group__isnull=False), name="membership_one_per_group"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status", "role"]),
            # The directory counts each card's active members: an index-only count per community.
            models.Index(
                fields=["community"],
                condition=Q(status="active", group__isnull=True),
                name="membership_active_member_idx",
            ),
        ]

    def __str__(self) -> str:
        where = self.group or self.community
        return f"{self.user} in {where} ({self.get_role_display()}, {self.get_status_display()})"


class MembershipEvent(models.Model):
    """One decision or change about a membership: who did what, when, and why."""

    class Action(models.TextChoices):
        JOINED = "joined", _("Joined")
        REQUESTED = "requested", _("Requested to join")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        INVITED = "invited", _("Invited")
        INVITATION_ACCEPTED = "invitation_accepted", _("Accepted an invitation")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")
        ROLE_CHANGED = "role_changed", _("Role changed")
        ROLES_ENDED = "roles_ended", _("Rights ended on leaving")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_role = models.CharField(max_length=16, blank=True)
    to_role = models.CharField(max_length=16, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d})"


class Invitation(models.Model):
    """An invitation by email into a community or one of its groups, redeemed once with a signed token."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    message = models.TextField(_("message"), blank=True)
    # From a bulk invitation (pasted list or CSV): the invitation email is written in this
    # language (empty: the person's own language if they have an account, else the community's).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )
    key = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    sent_count = models.PositiveIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # One open invitation per address and place; a revoked or used one may be followed by a new one.
            models.UniqueConstraint(
                fields=["community", "email"],
                condition=Q(group__isnull=True, accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_community",
            ),
            models.UniqueConstraint(
                fields=["group", "email"],
                condition=Q(group__isnull=False, accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.group or self.community}"


class ReportingDimension(models.Model):
    """A way a community labels its groups and partners for reports, e.g. "Funding call"."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["community", "order", "name"]
        verbose_name = _("reporting dimension")
        verbose_name_plural = _("reporting dimensions")
        constraints = [models.UniqueConstraint(fields=["community", "slug"], name="dimension_unique_slug")]

    def __str__(self) -> str:
        return self.name


class DimensionValue(models.Model):
    """One value of a reporting dimension, e.g. "Prima Infanzia 2016" or "Sud e Isole"."""

    dimension = models.ForeignKey(ReportingDimension, on_delete=models.CASCADE, related_name="values")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["dimension", "order", "name"]
        verbose_name = _("reporting label")
        verbose_name_plural = _("reporting labels")
        constraints = [models.UniqueConstraint(fields=["dimension", "slug"], name="dimension_value_unique_slug")]

    def __str__(self) -> str:
        return f"{self.dimension.name}: {self.name}"


class PartnerRole(models.Model):
    """A label a community gives its partners, e.g. "Multiply City" or "Funded project"."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="partner_roles")
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["community", "order", "name"]
        verbose_name = _("partner role")
        verbose_name_plural = _("partner roles")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="partner_role_unique_name")]

    def __str__(self) -> str:
        return self.name


class Partnership(models.Model):
    """An organisation's part in a community, under one of the community's partner roles."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="partnerships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="partnerships")
    role = models.ForeignKey(PartnerRole, on_delete=models.PROTECT, related_name="partnerships")
    dimension_values = models.ManyToManyField(
        DimensionValue, verbose_name=_("reporting labels"), blank=True, related_name="partnerships"
    )
    since = models.DateField(_("since"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True, help_text=_("Empty while the partnership lasts."))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["community", "role", "organization"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [models.UniqueConstraint(fields=["community", "organization", "role"], name="partnership_unique")]

    def __str__(self) -> str:
        return f"{self.organization} – {self.role} ({self.community})"

    @property
    def is_ended(self) -> bool:
        from django.utils import timezone

        return self.ended_on is not None and self.ended_on <= timezone.localdate()


class Theme(models.Model):
    """One theme of a community's vocabulary, offered as a suggestion wherever themes are typed.

    Objects carry themes as taggit tags with the same name; renaming or merging a theme
    retags every item, meeting and group of the community that carries it. A retired
    theme is no longer suggested; the objects keep it.
    """

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="vocabulary")
    name = models.CharField(_("name"), max_length=100)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="theme_unique_name_per_community")]

    def __str__(self) -> str:
        return self.name


class CommunityEvent(models.Model):
    """One change made to a community's shape from the console: who, when, what.

    `changes` maps each changed field to [before, after] (as text); `target` names the
    object changed (a group, a theme, a partner...) as it was called at the time.
    """

    class Action(models.TextChoices):
        COMMUNITY_UPDATED = "community_updated", _("Community page changed")
        GROUP_CREATED = "group_created", _("Group created")
        GROUP_UPDATED = "group_updated", _("Group changed")
        GROUP_ARCHIVED = "group_archived", _("Group archived")
        GROUP_RESTORED = "group_restored", _("Group restored")
        GROUPS_REORDERED = "groups_reordered", _("Groups reordered")
        FACILITATOR_NAMED = "facilitator_named", _("Facilitator named")
        FACILITATOR_REMOVED = "facilitator_removed", _("Facilitator role ended")
        THEME_ADDED = "theme_added", _("Theme added")
        THEME_RENAMED = "theme_renamed", _("Theme renamed")
        THEME_MERGED = "theme_merged", _("Themes merged")
        THEME_RETIRED = "theme_retired", _("Theme retired")
        THEME_RESTORED = "theme_restored", _("Theme restored")
        PARTNER_ADDED = "partner_added", _("Partner added")
        PARTNER_CHANGED = "partner_changed", _("Partner changed")
        PARTNERSHIP_ENDED = "partnership_ended", _("Partnership ended")
        PARTNER_ROLE_ADDED = "partner_role_added", _("Partner role added")
        PARTNER_ROLE_CHANGED = "partner_role_changed", _("Partner role changed")
        PARTNER_ROLE_DELETED = "partner_role_deleted", _("Partner role deleted")
        DIMENSION_ADDED = "dimension_added", _("Reporting dimension added")
        DIMENSION_CHANGED = "dimension_changed", _("Reporting dimension changed")
        DIMENSION_DELETED = "dimension_deleted", _("Reporting dimension deleted")
        DIMENSION_VALUE_ADDED = "dimension_value_added", _("Reporting label added")
        DIMENSION_VALUE_CHANGED = "dimension_value_changed", _("Reporting label changed")
        DIMENSION_VALUE_DELETED = "dimension_value_deleted", _("Reporting label deleted")
        CO_ORGANISER_ADDED = "co_organiser_added", _("Co-organiser named")
        CO_ORGANISER_REMOVED = "co_organiser_removed", _("Co-organiser removed")
        INVITATIONS_SENT = "invitations_sent", _("People invited")
        ORGANISATION_VERIFIED = "organisation_verified", _("Organisation verified")
        ORGANISATION_MERGED = "organisation_merged", _("Organisation merged")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="events")
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    target = models.CharField(_("what"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("community event")
        verbose_name_plural = _("community events")
        indexes = [models.Index(fields=["community", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target}"


__all__ = [
    "Community",
    "CommunityEvent",
    "Theme",
    "DimensionValue",
    "Group",
    "Invitation",
    "JoinPolicy",
    "Membership",
    "MembershipEvent",
    "Organization",
    "PartnerRole",
    "Partnership",
    "ReportingDimension",
]
