"""Admin for meetings: mostly for reading and fixing; organisers use the portal's pages.

Every change goes through meetings.services, as on the console: a new time sends the new
revision to registered people (SEQUENCE bumped) and moves their reminders, a cancellation
tells them and drops the reminders, a freed seat goes to the first person waiting. Fields no
service writes are read-only; a refusal shows on the form and changes nothing.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.admin import ReadOnlyAdminMixin, ServiceErrorsAsFormErrors

from . import services
from .models import (
    ActionItem,
    AgendaItem,
    CalendarFeedToken,
    Meeting,
    MeetingOutcome,
    MeetingSeries,
    Registration,
)


def _load_saved(obj, saved) -> None:
    """Show the row a service saved in the admin's obj (the admin logs and redirects to it)."""
    obj.pk = saved.pk
    obj._state.adding = False
    obj.refresh_from_db()


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["order", "starts_at", "title", "speaker", "notes"]
    readonly_fields = ["order"]  # reordered on the meeting's agenda page (agenda_reorder)


class ActionItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Action items are written with the minutes (meeting_close)."""

    model = ActionItem
    extra = 0
    can_delete = False
    fields = ["order", "description", "owner", "owner_name", "due_date", "status"]
    readonly_fields = fields


@admin.register(Meeting)
class MeetingAdmin(ServiceErrorsAsFormErrors, admin.ModelAdmin):
    list_display = ["title", "community", "group", "kind", "format", "start", "time_zone", "status", "visibility"]
    list_filter = ["status", "kind", "format", "visibility", "community"]
    search_fields = ["title", "description", "city", "uid"]
    date_hierarchy = "start"
    list_select_related = ["community", "group"]
    raw_id_fields = ["host_organization"]
    readonly_fields = [
        "series",
        "uid",
        "sequence",
        "cancelled_at",
        "closed_at",
        "closing_reminder_sent_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [AgendaItemInline, ActionItemInline]
    actions = ["cancel_selected"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        # A meeting stays in its community; a new one starts scheduled.
        return [*self.readonly_fields, "community"] if obj is not None else [*self.readonly_fields, "status"]

    def has_delete_permission(self, request, obj=None):
        # People registered for a scheduled meeting are told when it is cancelled: cancel it, do not delete it.
        scheduled = obj is not None and obj.status == Meeting.Status.SCHEDULED
        if scheduled and obj.registrations.filter(status__in=Registration.ACTIVE_STATUSES).exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {name: data[name] for name in services.EDITABLE_FIELDS if name in data}
        themes = data.get("themes")
        if not change:
            saved = services.meeting_schedule(community=obj.community, by=request.user, themes=themes, **fields)
            _load_saved(obj, saved)
            return
        changed = {name: value for name, value in fields.items() if name in form.changed_data}
        if changed or "themes" in form.changed_data:
            themes = themes if "themes" in form.changed_data else None
            services.meeting_update(meeting=obj, by=request.user, themes=themes, **changed)
        if "status" in form.changed_data:
            services.meeting_change_status(meeting=obj, status=data["status"], by=request.user)
        _load_saved(obj, obj)

    def save_related(self, request, form, formsets, change):
        # The themes were set by the service; only the inlines are left to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not AgendaItem:
            return super().save_formset(request, form, formset, change)
        meeting = form.instance
        saved = formset.save(commit=False)
        for item in formset.deleted_objects:
            services.agenda_item_delete(item=item, by=request.user)
        for item in saved:
            details = {"title": item.title, "starts_at": item.starts_at, "speaker": item.speaker, "notes": item.notes}
            if item.pk:
                services.agenda_item_update(item=item, by=request.user, **details)
            else:
                _load_saved(item, services.agenda_item_add(meeting=meeting, by=request.user, **details))
        return saved

    @admin.action(description=_("Cancel selected meetings and tell the people registered"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        count = 0
        for meeting in queryset.exclude(status=Meeting.Status.CANCELLED):
            services.meeting_cancel(meeting=meeting, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("Cancelled %(count)d meeting.", "Cancelled %(count)d meetings.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A series is created with its meetings (series_create); each meeting is then changed on its own."""

    list_display = ["title", "community", "rrule", "time_zone", "starts_on", "until"]
    list_filter = ["community"]


@admin.register(Registration)
class RegistrationAdmin(ServiceErrorsAsFormErrors, admin.ModelAdmin):
    list_display = ["meeting", "user", "name", "status", "position", "attended", "walk_in", "created_at"]
    list_filter = ["status", "attended", "walk_in"]
    search_fields = ["user__email", "user__full_name", "name", "email", "meeting__title"]
    raw_id_fields = ["meeting", "user"]
    list_select_related = ["meeting", "user"]
    # Written by the services only: the waitlist order, decisions, walk-in details.
    readonly_fields = [
        "position",
        "walk_in",
        "name",
        "email",
        "organization",
        "organization_name",
        "country",
        "decided_by",
        "decided_at",
        "status_changed_at",
        "created_at",
        "updated_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            # Adding registers a person on the organisers' behalf (registration_invite).
            return [*self.readonly_fields, "status", "attended"]
        return [*self.readonly_fields, "meeting", "user"]

    def has_delete_permission(self, request, obj=None):
        # A place (or a request) ends by cancelling it, which gives the seat to the first person waiting.
        if obj is not None and obj.is_active:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            if obj.user_id is None:
                raise ValidationError({"user": _("Choose the person to register.")})
            _load_saved(obj, services.registration_invite(meeting=obj.meeting, user=obj.user, by=request.user))
            return
        if "status" in form.changed_data:
            services.registration_change_status(registration=obj, status=obj.status, by=request.user)
        if "attended" in form.changed_data:
            services.registration_attendance_set(registration=obj, attended=obj.attended, by=request.user)
        _load_saved(obj, obj)


@admin.register(MeetingOutcome)
class MeetingOutcomeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Minutes and decisions are written on the meeting's closing page (meeting_close)."""

    list_display = ["meeting", "updated_at"]


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "token_hash", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected calendar addresses"), permissions=["delete"])
    def revoke(self, request, queryset):
        users = {token.user for token in queryset.filter(revoked_at__isnull=True).select_related("user")}
        for user in users:
            services.calendar_feed_token_revoke(user=user)
