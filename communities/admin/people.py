"""People and organisations, extended with what communities know of them."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.admin import OrganizationAdmin as BaseOrganizationAdmin
from members.admin import UserAdmin as BaseUserAdmin
from members.models import Organization, User

from ..models import Partnership
from ._base import MembershipSyncMixin, UserMembershipInline


class PartnershipInline(admin.TabularInline):
    model = Partnership
    extra = 0
    fields = ["community", "role", "dimension_values", "since"]
    autocomplete_fields = ["community", "role", "dimension_values"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("community", "role")


admin.site.unregister(Organization)


@admin.register(Organization)
class OrganizationAdmin(BaseOrganizationAdmin):
    inlines = [*BaseOrganizationAdmin.inlines, PartnershipInline]
    list_display = [*BaseOrganizationAdmin.list_display, "partnership_count"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(partnership_count=Count("partnerships", distinct=True))

    @admin.display(description=_("partnerships"), ordering="partnership_count")
    def partnership_count(self, obj) -> int:
        return obj.partnership_count

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "import_url": reverse("admin:communities_membership_import")}
        return super().changelist_view(request, extra_context)


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(MembershipSyncMixin, BaseUserAdmin):
    inlines = [*BaseUserAdmin.inlines, UserMembershipInline]
