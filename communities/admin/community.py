"""Communities and groups."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.typography import join_comma

from .. import permissions
from ..models import Community, Group, Membership, PartnerRole
from ..services import (
    GroupError,
    community_logo_variant_update,
    community_update,
    group_archive,
    group_restore,
    group_update,
)
from ..services.community import PAGE_FIELDS
from ..services.groups import TRACKED_FIELDS
from ._base import MembershipInline, MembershipSyncMixin


class PartnerRoleInline(admin.TabularInline):
    model = PartnerRole
    extra = 0
    fields = ["name", "order"]


class CommunityCountryFilter(admin.SimpleListFilter):
    """Filter communities by one of their countries (a multiple country field, stored as "IT,LY")."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        from django_countries import countries

        codes = set()
        for value in Community.objects.exclude(countries="").values_list("countries", flat=True):
            codes.update(country.code for country in value)
        return [(code, countries.name(code)) for code in sorted(codes)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(countries__contains=self.value())
        return queryset


@admin.register(Community)
class CommunityAdmin(MembershipSyncMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "visibility",
        "join_policy",
        "region",
        "member_count",
        "group_count",
        "default_language",
        "domain",
    ]
    list_filter = ["visibility", "join_policy", "default_language", CommunityCountryFilter]
    search_fields = ["name", "slug", "tagline", "region"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PartnerRoleInline, MembershipInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "tagline", "description")}),
        (_("Audience"), {"fields": ("visibility", "join_policy", "eligible_organization_kinds")}),
        (_("Languages and places"), {"fields": ("languages", "default_language", "countries", "region", "themes")}),
        (_("Look and address"), {"fields": ("accent_color", "logo", "domain")}),
    )

    def get_queryset(self, request):
        active = Q(memberships__status=Membership.Status.ACTIVE, memberships__group__isnull=True)
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=Count("memberships", filter=active, distinct=True),
                group_count=Count("groups", distinct=True),
            )
        )

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            if "logo" in form.changed_data:
                community_logo_variant_update(community=obj)
            return
        # A change goes through the console's service: the same checks (accent contrast, logo,
        # host name) and one CommunityEvent with what changed. A refusal comes back on the form
        # (ServiceErrorsAsFormErrors).
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in PAGE_FIELDS}
        if "logo" in fields and not fields["logo"]:
            fields["logo"] = False
        if fields:
            saved = community_update(community=obj, by=request.user, **fields)
            obj.logo, obj.logo_small = saved.logo, saved.logo_small

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj) -> int:
        return obj.member_count

    @admin.display(description=_("groups"), ordering="group_count")
    def group_count(self, obj) -> int:
        return obj.group_count


class GroupAdminForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = [
            "community",
            "slug",
            "name",
            "kind",
            "description",
            "join_policy",
            "visibility",
            "eligible_organization_kinds",
            "dimension_values",
            "themes",
            "position",
        ]

    def clean(self):
        cleaned = super().clean()
        community = cleaned.get("community")
        values = cleaned.get("dimension_values")
        if community and values:
            foreign = [str(value) for value in values if value.dimension.community_id != community.pk]
            if foreign:
                raise ValidationError(
                    {"dimension_values": gettext("Not labels of this community: %s") % join_comma(foreign)}
                )
        return cleaned


@admin.register(Group)
class GroupAdmin(MembershipSyncMixin, admin.ModelAdmin):
    """Groups: archiving and restoring, and changes of the console's fields, go through the console's services.

    The actions call group_archive / group_restore; saving an existing group calls group_update
    for the fields the console edits (so the change is checked and recorded in the community's
    history) and then saves what only the admin edits (slug, reporting labels, position). A new
    group is saved as typed (the admin sets its slug itself); a person who does not coordinate
    the community (staff with model rights only) saves without the services' record.
    """

    form = GroupAdminForm
    list_display = ["name", "community", "kind", "join_policy", "position", "is_archived", "member_count", "labels"]
    list_filter = ["community", "kind", "join_policy", ("archived_at", admin.EmptyFieldListFilter), "dimension_values"]
    readonly_fields = ["archived_at", "archived_by"]
    actions = ["archive_groups", "restore_groups"]
    search_fields = ["name", "slug", "community__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["community", "dimension_values"]
    list_select_related = ["community"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        active = Q(memberships__status=Membership.Status.ACTIVE)
        return (
            super()
            .get_queryset(request)
            .annotate(member_count=Count("memberships", filter=active, distinct=True))
            .prefetch_related("dimension_values")
        )

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj) -> int:
        return obj.member_count

    @admin.display(description=_("reporting labels"))
    def labels(self, obj) -> str:
        return join_comma(value.name for value in obj.dimension_values.all())

    @admin.display(description=_("archived"), boolean=True, ordering="archived_at")
    def is_archived(self, obj) -> bool:
        return obj.is_archived

    def save_model(self, request, obj, form, change):
        if change and not obj.is_archived and permissions.may_shape_groups(request.user, obj.community):
            fields = {name: form.cleaned_data[name] for name in TRACKED_FIELDS if name in form.cleaned_data}
            group_update(group=obj, by=request.user, **fields)  # a refusal shows on the form
        super().save_model(request, obj, form, change)

    def _through(self, request, queryset, service, done: str) -> None:
        count = 0
        for group in queryset.select_related("community"):
            try:
                service(group=group, by=request.user)
            except GroupError as error:
                self.message_user(request, f"{group.name}: {error.text}", level=messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, level=messages.SUCCESS)

    @admin.action(description=_("Archive the selected groups (read-only, kept in reports)"))
    def archive_groups(self, request, queryset):
        self._through(request, queryset, group_archive, gettext("Groups archived: %(count)d."))

    @admin.action(description=_("Restore the selected groups"))
    def restore_groups(self, request, queryset):
        self._through(request, queryset, group_restore, gettext("Groups restored: %(count)d."))
