"""Partners, partner roles and reporting labels."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from members.typography import join_comma

from ..models import DimensionValue, PartnerRole, Partnership, ReportingDimension
from ..services import PartnerError, partnership_add, partnership_end, partnership_update
from .people import PartnershipInline


@admin.register(PartnerRole)
class PartnerRoleAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "order", "partnership_count"]
    list_filter = ["community"]
    search_fields = ["name", "community__name"]
    list_select_related = ["community"]
    autocomplete_fields = ["community"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(partnership_count=Count("partnerships"))

    @admin.display(description=_("partnerships"), ordering="partnership_count")
    def partnership_count(self, obj) -> int:
        return obj.partnership_count


class PartnershipAdminForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["community", "organization", "role", "dimension_values", "since", "ended_on", "notes"]

    def clean(self):
        cleaned = super().clean()
        community = cleaned.get("community") or getattr(self.instance, "community", None)
        if community is None:
            return cleaned
        role = cleaned.get("role")
        if role is not None and role.community_id != community.pk:
            self.add_error("role", gettext("This role belongs to another community."))
        values = cleaned.get("dimension_values") or []
        foreign = [str(value) for value in values if value.dimension.community_id != community.pk]
        if foreign:
            self.add_error("dimension_values", gettext("Not labels of this community: %s") % join_comma(foreign))
        organisation = cleaned.get("organization")
        unverified = self.instance.pk is None and organisation is not None and not organisation.is_verified
        if unverified and not Partnership.objects.filter(community=community, organization=organisation).exists():
            self.add_error("organization", gettext("Verify the organisation before adding it as a partner."))
        return cleaned


PartnershipInline.form = PartnershipAdminForm


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    form = PartnershipAdminForm
    list_display = ["organization", "organization_kind", "organization_country", "role", "community", "labels", "since"]
    list_filter = ["community", "role__name", "organization__kind", "organization__country", "dimension_values"]
    search_fields = ["organization__name", "organization__city", "role__name", "community__name", "notes"]
    autocomplete_fields = ["organization", "community", "role", "dimension_values"]
    list_select_related = ["organization", "community", "role"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("dimension_values")

    def get_readonly_fields(self, request, obj=None):
        # A partnership moves to another organisation or community by ending it and adding a new one.
        return ["community", "organization"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        """Save through the console's services: the same rules, and every change in the community's history."""
        data = form.cleaned_data
        labels = list(data.get("dimension_values") or [])
        try:
            if change:
                was_ended = Partnership.objects.get(pk=obj.pk).is_ended
                saved = partnership_update(
                    partnership=obj,
                    by=request.user,
                    role=data["role"],
                    dimension_values=labels,
                    since=data.get("since"),
                    notes=data.get("notes", ""),
                )
                if was_ended and not data.get("ended_on"):
                    saved = partnership_add(
                        community=saved.community, organization=saved.organization, role=saved.role, by=request.user
                    )
            else:
                saved = partnership_add(
                    community=data["community"],
                    organization=data["organization"],
                    role=data["role"],
                    by=request.user,
                    since=data.get("since"),
                    notes=data.get("notes", ""),
                    dimension_values=labels,
                )
            if data.get("ended_on") and not saved.is_ended:
                saved = partnership_end(partnership=saved, by=request.user, on=data["ended_on"])
        except PartnerError as error:
            messages.error(request, error.text)
            return
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        # The services saved the reporting labels; only inlines (none today) are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.display(description=_("kind"), ordering="organization__kind")
    def organization_kind(self, obj) -> str:
        return obj.organization.get_kind_display()

    @admin.display(description=_("country"), ordering="organization__country")
    def organization_country(self, obj) -> str:
        return str(obj.organization.country.name) if obj.organization.country else ""

    @admin.display(description=_("reporting labels"))
    def labels(self, obj) -> str:
        return join_comma(value.name for value in obj.dimension_values.all())


class DimensionValueInline(admin.TabularInline):
    model = DimensionValue
    extra = 1
    fields = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ReportingDimension)
class ReportingDimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "order", "value_list"]
    list_filter = ["community"]
    search_fields = ["name", "slug", "community__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["community"]
    list_select_related = ["community"]
    inlines = [DimensionValueInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("values")

    @admin.display(description=_("values"))
    def value_list(self, obj) -> str:
        return join_comma(value.name for value in obj.values.all())


@admin.register(DimensionValue)
class DimensionValueAdmin(admin.ModelAdmin):
    """Registered for search (groups and partnerships pick labels by autocomplete); edited on its dimension."""

    list_display = ["name", "dimension", "community", "order", "usage"]
    list_filter = ["dimension__community", "dimension"]
    search_fields = ["name", "slug", "dimension__name", "dimension__community__name"]
    list_select_related = ["dimension__community"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                group_count=Count("groups", distinct=True), partnership_count=Count("partnerships", distinct=True)
            )
        )

    @admin.display(description=_("community"), ordering="dimension__community__name")
    def community(self, obj) -> str:
        return str(obj.dimension.community)

    @admin.display(description=_("used by"))
    def usage(self, obj) -> str:
        return format_html(
            "{} · {}",
            ngettext("%(count)d group", "%(count)d groups", obj.group_count) % {"count": obj.group_count},
            ngettext("%(count)d partnership", "%(count)d partnerships", obj.partnership_count)
            % {"count": obj.partnership_count},
        )
