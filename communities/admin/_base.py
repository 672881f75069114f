"""Memberships: every save goes through communities.services.membership_update.

The form, mixins and inlines the other admins share.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.admin import ServiceErrorsAsFormErrors

from .. import services
from ..models import Membership, MembershipEvent
from ..services import is_last_coordinator, last_coordinator_error


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "community", "group", "role", "status", "message", "decision_reason"]

    def clean(self):
        cleaned = super().clean()
        group = cleaned.get("group")
        community_id = cleaned["community"].pk if cleaned.get("community") else self.instance.community_id
        if group is not None and community_id and group.community_id != community_id:
            raise ValidationError({"group": gettext("This group belongs to another community.")})
        if self.instance.pk and {"user", "community", "group"} & set(self.changed_data):
            raise ValidationError(gettext("A membership stays with its person and place: add a new one instead."))
        if self.instance.pk and "decision_reason" in self.changed_data and "status" not in self.changed_data:
            raise ValidationError({"decision_reason": gettext("Give a reason together with a change of status.")})
        self._keep_a_coordinator(cleaned)
        return cleaned

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if not self.instance.pk:
            # A person who once left or was declined has a row already: membership_update takes it up
            # again (as the console's membership_grant does) instead of refusing a duplicate.
            exclude.add("user")
        return exclude

    def _keep_a_coordinator(self, cleaned) -> None:
        """Refuse to demote or end the community's last active coordinator, as the console does."""
        if not self.instance.pk:
            return
        stored = Membership.objects.filter(pk=self.instance.pk).first()
        if stored is None or not is_last_coordinator(stored):
            return
        stays = cleaned.get("role") == Membership.Role.COORDINATOR and cleaned.get("status") == Membership.Status.ACTIVE
        if not stays:
            raise ValidationError(last_coordinator_error().messages[0])


def _save_through_service(membership: Membership, *, by, reason: str = "") -> None:
    """Apply the role and status an admin form set on membership with membership_update, then show its result.

    The row the service kept (a new one, or the person's earlier one taken up again) is
    loaded into membership, so the admin logs and redirects to it.
    """
    saved = services.membership_update(
        user=membership.user,
        community=membership.community,
        group=membership.group,
        role=membership.role,
        status=membership.status,
        by=by,
        reason=reason,
    )
    membership.pk = saved.pk
    membership._state.adding = False
    membership.refresh_from_db()


class HistoryGoesWithItsMembershipMixin:
    """Let a deletion take the memberships and their events with it.

    Memberships and events cannot be deleted one by one in the admin (a membership ends
    with the status "left", which keeps its history); deleting a person, a community or
    a group still takes theirs with it.
    """

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        kept_apart = {str(MembershipEvent._meta.verbose_name), str(Membership._meta.verbose_name)}
        perms_needed = set(perms_needed) - kept_apart
        return deleted, counts, perms_needed, protected


class MembershipSyncMixin(ServiceErrorsAsFormErrors, HistoryGoesWithItsMembershipMixin):
    """Save the membership inlines through the same service as the membership admin."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        saved = formset.save(commit=False)
        for membership in saved:
            _save_through_service(membership, by=request.user)
        return saved


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
    extra = 0
    can_delete = False
    autocomplete_fields = ["user", "group"]
    fields = ["user", "group", "role", "status", "created_at"]
    readonly_fields = ["created_at"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "group", "community")


class UserMembershipInline(MembershipInline):
    fk_name = "user"
    autocomplete_fields = ["community", "group"]
    fields = ["community", "group", "role", "status", "created_at"]
    verbose_name_plural = _("memberships")


class MembershipEventInline(admin.TabularInline):
    model = MembershipEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "actor", "from_role", "to_role", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
