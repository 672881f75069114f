"""Scoped querysets: the only way views reach tenant data."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class CommunityQuerySet(models.QuerySet):
    def listed_for(self, user) -> CommunityQuerySet:
        """Return the communities shown in the directory to user.

        Public and members-only communities are listed for everyone (a members-only
        community shows its card so people can ask to join); a hidden one only to its members.
        """
        listed = Q(visibility__in=[self.model.Visibility.PUBLIC, self.model.Visibility.MEMBERS])
        if user.is_authenticated and user.is_superuser:
            return self.all()
        if not user.is_authenticated:
            return self.filter(listed)
        return self.filter(listed | Q(pk__in=_active_community_ids(user)))

    def visible_to(self, user) -> CommunityQuerySet:
        """Return the communities whose landing page user may open; the rest answer 404."""
        return self.listed_for(user)

    def content_visible_to(self, user) -> CommunityQuerySet:
        """Return the communities whose content (groups, people, meetings) user may see."""
        public = Q(visibility=self.model.Visibility.PUBLIC)
        if user.is_authenticated and user.is_superuser:
            return self.all()
        if not user.is_authenticated:
            return self.filter(public)
        return self.filter(public | Q(pk__in=_active_community_ids(user)))

    def member_of(self, user) -> CommunityQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=_active_community_ids(user))


class GroupQuerySet(models.QuerySet):
    def visible_to(self, user) -> GroupQuerySet:
        """Return the groups of communities whose content user may see."""
        from .models import Community

        return self.filter(community__in=Community.objects.content_visible_to(user))


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=self.model.Status.ACTIVE)

    def pending(self) -> MembershipQuerySet:
        return self.filter(status=self.model.Status.PENDING)

    def community_level(self) -> MembershipQuerySet:
        return self.filter(group__isnull=True)

    def group_level(self) -> MembershipQuerySet:
        return self.filter(group__isnull=False)

    def manageable_by(self, user, community) -> MembershipQuerySet:
        """Return the memberships of community that user may decide on.

        A coordinator (guardian's manage_community) manages every membership of the
        community; a facilitator (manage_group) only those of the groups they run.
        """
        return self.filter(community=community, **_managed_filter(user, community))


class InvitationQuerySet(models.QuerySet):
    def open(self) -> InvitationQuerySet:
        """Return the invitations neither accepted nor revoked (they may have expired)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def valid(self) -> InvitationQuerySet:
        """Return the open invitations that have not expired."""
        from django.utils import timezone

        return self.open().filter(expires_at__gt=timezone.now())

    def addressed_to(self, user) -> InvitationQuerySet:
        """Return the invitations sent to one of user's verified email addresses."""
        if not user.is_authenticated:
            return self.none()
        from allauth.account.models import EmailAddress

        verified = EmailAddress.objects.filter(user=user, verified=True).values("email")
        return self.filter(Q(email__in=verified) | Q(email=user.email.lower()))

    def manageable_by(self, user, community) -> InvitationQuerySet:
        """Return the invitations of community that user may resend or revoke (as for memberships)."""
        return self.filter(community=community, **_managed_filter(user, community))


def _managed_filter(user, community) -> dict:
    """Return filter arguments limiting a community's rows to those user manages (nothing for others)."""
    from guardian.shortcuts import get_objects_for_user

    from .models import Group

    if not user.is_authenticated:
        return {"pk__in": []}
    if user.has_perm("communities.manage_community", community):
        return {}
    groups = get_objects_for_user(
        user, "communities.manage_group", klass=Group.objects.filter(community=community), accept_global_perms=False
    )
    return {"group__in": groups.values("pk")}


def _active_community_ids(user):
    from .models import Membership

    return Membership.objects.active().community_level().filter(user=user).values("community_id")
