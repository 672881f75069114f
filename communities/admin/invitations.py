"""Invitations: revoked and sent again through their services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Invitation


class InvitationStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("open", _("Open")),
            ("expired", _("Expired")),
            ("accepted", _("Accepted")),
            ("revoked", _("Revoked")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        unused = Q(accepted_at__isnull=True, revoked_at__isnull=True)
        return {
            "open": lambda: queryset.filter(unused, expires_at__gt=now),
            "expired": lambda: queryset.filter(unused, expires_at__lte=now),
            "accepted": lambda: queryset.filter(accepted_at__isnull=False),
            "revoked": lambda: queryset.filter(revoked_at__isnull=False),
        }.get(self.value(), lambda: queryset)()


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent from a community's console (they carry a signed token); here they are read and revoked."""

    list_display = ["email", "community", "group", "role", "state", "invited_by", "created_at", "expires_at"]
    list_filter = [InvitationStateFilter, "community", "role"]
    search_fields = ["email", "community__name", "group__name", "invited_by__email"]
    list_select_related = ["community", "group", "invited_by"]
    readonly_fields = [
        "community",
        "group",
        "email",
        "role",
        "message",
        "invited_by",
        "sent_count",
        "last_sent_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
        "created_at",
        "expires_at",  # renewed by sending the invitation again (invitation_resend)
    ]
    fields = [*readonly_fields[:6], "expires_at", *readonly_fields[6:-1]]
    actions = ["revoke_selected", "resend_selected"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("state"))
    def state(self, obj) -> str:
        if obj.accepted_at:
            return gettext("Accepted")
        if obj.revoked_at:
            return gettext("Revoked")
        if obj.expires_at <= timezone.now():
            return gettext("Expired")
        return gettext("Open")

    @admin.action(description=_("Revoke selected open invitations"), permissions=["change"])
    def revoke_selected(self, request, queryset):
        count = 0
        for invitation in queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True).select_related(
            "community", "group"
        ):
            try:
                services.invitation_revoke(invitation=invitation, by=request.user)
            except services.MembershipError as error:
                self.message_user(request, f"{invitation.email}: {error.text}", messages.ERROR)
            else:
                count += 1
        self.message_user(
            request,
            ngettext("Revoked %(count)d invitation.", "Revoked %(count)d invitations.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Send selected open invitations again"), permissions=["change"])
    def resend_selected(self, request, queryset):
        count = 0
        for invitation in queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True).select_related(
            "community", "group"
        ):
            try:
                services.invitation_resend(invitation=invitation, by=request.user)
            except services.MembershipError as error:
                self.message_user(request, f"{invitation.email}: {error.text}", messages.ERROR)
            else:
                count += 1
        self.message_user(
            request,
            ngettext("Sent %(count)d invitation again.", "Sent %(count)d invitations again.", count) % {"count": count},
            messages.SUCCESS,
        )
