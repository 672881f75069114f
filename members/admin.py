"""Admin for people and organisations, and the CSV export every admin list offers."""

import csv
import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import label_for_field, lookup_field
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from members.typography import join_comma

from . import services
from .csvsafe import csv_safe
from .models import Organization, User


def csv_cell(value) -> str:
    """Return value as safe CSV text: no formulas, no HTML, readable dates and booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    return csv_safe(strip_tags(str(value)))


def _column_value(name, obj, modeladmin) -> str:
    try:
        field, _attr, value = lookup_field(name, obj, modeladmin)
    except (AttributeError, ObjectDoesNotExist):
        return ""
    if field is not None and getattr(field, "flatchoices", None):
        value = dict(field.flatchoices).get(value, value)
    elif field is not None and field.many_to_many:
        value = join_comma(str(item) for item in value.all())
    return csv_cell(value)


@admin.action(description=_("Export selected rows as CSV"))
def export_as_csv(modeladmin, request, queryset):
    """Download the selected rows with the columns of the list, as a spreadsheet opens them."""
    columns = [name for name in modeladmin.get_list_display(request) if name != "action_checkbox"]
    model = modeladmin.model
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(model._meta.verbose_name_plural)}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # a BOM, so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow([csv_cell(capfirst(label_for_field(name, model, modeladmin))) for name in columns])
    for obj in queryset:
        writer.writerow([_column_value(name, obj, modeladmin) for name in columns])
    return response


# Every admin list offers the export, like Django's own "delete selected".
admin.site.add_action(export_as_csv, "export_as_csv")


class ReadOnlyAdminMixin:
    """For rows that only services write (minutes, revisions, series): read here, never added or changed."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceErrorsAsFormErrors:
    """Show a service's refusal (a ValidationError raised while saving) as an error of the change form.

    Admins that write through services call them in save_model and save_formset, after
    the form was found valid. When a service refuses, the change view's transaction is
    rolled back (nothing changes) and the view runs once more with the refusal added to
    the form, so the page shows it next to what was typed.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            if request.method != "POST" or hasattr(request, "_service_refusal"):
                raise
            request._service_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form_class

        class Refused(form_class):
            def clean(self):
                cleaned = super().clean()
                if hasattr(refusal, "error_dict") and set(refusal.error_dict) <= set(self.fields):
                    self.add_error(None, refusal)
                else:
                    self.add_error(None, refusal.messages)
                return cleaned

        return Refused


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "organization", "job_title", "country", "language", "is_staff", "is_active"]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        "language",
        "country",
        "organization__kind",
        "listed_in_directory",
    ]
    search_fields = ["email", "full_name", "organization__name", "job_title"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {
                "fields": (
                    "full_name",
                    "organization",
                    "job_title",
                    "country",
                    "time_zone",
                    "language",
                    "expertise",
                    "spoken_languages",
                    "bio",
                )
            },
        ),
        (
            _("What other members see"),
            {
                "fields": (
                    "listed_in_directory",
                    "show_email",
                    "show_job_title",
                    "show_country",
                    "show_expertise",
                    "show_communities",
                    "show_in_network",
                )
            },
        ),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Every organisation, and the proposals awaiting verification (filter on "verified").

    Verify and merge go through members.services, like the coordinators' console.
    """

    list_display = ["name", "kind", "country", "region", "city", "people_count", "is_verified", "proposed_by"]
    list_filter = ["is_verified", "kind", "country", "region"]
    list_select_related = ["proposed_by"]
    search_fields = ["name", "city", "region"]
    fieldsets = (
        (None, {"fields": ("name", "kind", ("country", "region", "city"), "website")}),
        (_("Verification"), {"fields": ("is_verified", "proposed_by", "verified_by", "verified_at")}),
    )
    readonly_fields = ["is_verified", "proposed_by", "verified_by", "verified_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["verify_selected", "merge_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("people", distinct=True))

    @admin.display(description=_("people"), ordering="people_count")
    def people_count(self, obj) -> int:
        return obj.people_count

    @admin.action(description=_("Verify the selected organisations"), permissions=["change"])
    def verify_selected(self, request, queryset):
        count = 0
        for organization in queryset.filter(is_verified=False):
            _organization, changes = services.organization_verify(organization=organization, by=request.user)
            count += bool(changes)
        self.message_user(
            request,
            ngettext("%(count)d organisation verified.", "%(count)d organisations verified.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Merge the selected proposals into the one verified organisation selected"),
        permissions=["change", "delete"],
    )
    def merge_selected(self, request, queryset):
        selected = list(queryset.order_by("pk"))
        targets = [organization for organization in selected if organization.is_verified]
        proposals = [organization for organization in selected if not organization.is_verified]
        if len(targets) != 1 or not proposals:
            self.message_user(
                request,
                gettext(
                    "Select exactly one verified organisation (the one to keep) and the proposals to merge into it."
                ),
                messages.ERROR,
            )
            return
        for proposal in proposals:
            services.organization_merge(organization=proposal, into=targets[0], by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d proposal merged into %(name)s.", "%(count)d proposals merged into %(name)s.", len(proposals)
            )
            % {"count": len(proposals), "name": targets[0].name},
            messages.SUCCESS,
        )
