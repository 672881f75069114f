"""Admin for meetings: mostly for reading and fixing; organisers use the portal's pages."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    ActionItem,
    AgendaItem,
    CalendarFeedToken,
    Meeting,
    MeetingOutcome,
    MeetingSeries,
    Registration,
)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    autocomplete_fields = ["owner"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "group", "kind", "format", "start", "time_zone", "status", "visibility"]
    list_filter = ["status", "kind", "format", "visibility", "community"]
    search_fields = ["title", "description", "city", "uid"]
    date_hierarchy = "start"
    list_select_related = ["community", "group"]
    raw_id_fields = ["series", "host_organization", "created_by"]
    readonly_fields = [
        "uid",
        "sequence",
        "cancelled_at",
        "closed_at",
        "closing_reminder_sent_at",
        "created_at",
        "updated_at",
    ]
    inlines = [AgendaItemInline, ActionItemInline]

    def save_model(self, request, obj, form, change):
        # Calendars learn about a change only through SEQUENCE: bump it as the services do.
        if change and any(
            name in form.changed_data
            for name in ("start", "end", "venue", "city", "country", "format", "online_url", "status")
        ):
            obj.sequence += 1
        super().save_model(request, obj, form, change)


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "rrule", "time_zone", "starts_on", "until"]
    list_filter = ["community"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "name", "status", "position", "attended", "walk_in", "created_at"]
    list_filter = ["status", "attended", "walk_in"]
    search_fields = ["user__email", "user__full_name", "name", "email", "meeting__title"]
    raw_id_fields = ["meeting", "user", "organization", "decided_by"]
    list_select_related = ["meeting", "user"]


@admin.register(MeetingOutcome)
class MeetingOutcomeAdmin(admin.ModelAdmin):
    list_display = ["meeting", "updated_at"]
    raw_id_fields = ["meeting", "written_by"]


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "token_hash", "created_at", "last_used_at"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected calendar addresses"))
    def revoke(self, request, queryset):
        from django.utils import timezone

        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
