"""Who belongs to a community or group, what happened to that, and invitations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Organization

from ..querysets import InvitationQuerySet, MembershipQuerySet
from .community import Community, Group


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
            # The community home and the console count each group's active members the same way.
            models.Index(
                fields=["group"],
                condition=Q(status="active", group__isnull=False),
                name="membership_active_in_group_idx",
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
