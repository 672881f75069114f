"""Memberships: list, actions (approve, decline), history and the CSV import."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from members.admin import ServiceErrorsAsFormErrors
from members.models import Organization

from .. import importing, permissions, services
from ..models import Membership, MembershipEvent
from ._base import HistoryGoesWithItsMembershipMixin, MembershipAdminForm, MembershipEventInline, _save_through_service


def _decide(decision, memberships, *, by, reason: str = "") -> tuple[int, list[str]]:
    """Apply a decision service to each membership; return how many changed and why others did not.

    The services (communities.services.membership_approve / membership_decline) record the
    decision, keep permissions in step and tell the person by email, as on the console.
    """
    done, refused = 0, []
    for membership in memberships:
        try:
            decision(membership=membership, by=by, reason=reason)
        except services.MembershipError as error:
            refused.append(f"{membership.user} → {membership.group or membership.community}: {error.text}")
        else:
            done += 1
    return done, refused


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the people declined)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


@admin.register(Membership)
class MembershipAdmin(ServiceErrorsAsFormErrors, HistoryGoesWithItsMembershipMixin, admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "community", "group", "role", "status", "created_at", "decided_at", "decided_by"]
    list_filter = [
        "status",
        "role",
        "community",
        ("group", admin.RelatedOnlyFieldListFilter),
        "user__organization__kind",
    ]
    search_fields = ["user__email", "user__full_name", "user__organization__name", "community__name", "group__name"]
    autocomplete_fields = ["user", "community", "group"]
    list_select_related = ["user", "community", "group", "decided_by"]
    readonly_fields = ["decided_by", "decided_at", "created_at", "updated_at"]
    fields = [
        "user",
        "community",
        "group",
        "role",
        "status",
        "message",
        "decision_reason",
        "decided_by",
        "decided_at",
        "created_at",
        "updated_at",
    ]
    inlines = [MembershipEventInline]
    actions = ["approve_selected", "decline_selected", "remove_selected"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        # The requester writes the message; a membership stays with its person and place.
        fixed = ["message", "user", "community", "group"] if obj is not None else ["message"]
        return [*self.readonly_fields, *fixed]

    def has_delete_permission(self, request, obj=None):
        return False  # end a membership with the status "left" (or the remove action): its history stays

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("decision_reason", "") if "decision_reason" in form.changed_data else ""
        _save_through_service(obj, by=request.user, reason=reason)

    @admin.action(description=_("Remove selected members"), permissions=["change"])
    def remove_selected(self, request, queryset):
        active = list(queryset.active().select_related("user", "community", "group"))
        removed, refused = _decide(services.membership_remove, active, by=request.user)
        self._report_refused(request, refused)
        self.message_user(
            request,
            ngettext("Removed %(count)d member.", "Removed %(count)d members.", removed) % {"count": removed},
            messages.SUCCESS,
        )

    def _report_refused(self, request, refused: list[str]) -> None:
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("Approve selected pending requests"), permissions=["change"])
    def approve_selected(self, request, queryset):
        pending = list(queryset.pending().select_related("user", "community", "group"))
        approved, refused = _decide(services.membership_approve, pending, by=request.user)
        self._report_refused(request, refused)
        skipped = queryset.count() - len(pending)
        self.message_user(
            request,
            ngettext("Approved %(count)d request.", "Approved %(count)d requests.", approved) % {"count": approved},
            messages.SUCCESS,
        )
        if skipped > 0:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected row was not a pending request and was left as it was.",
                    "%(count)d selected rows were not pending requests and were left as they were.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Decline selected pending requests…"), permissions=["change"])
    def decline_selected(self, request, queryset):
        form = DeclineForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"].strip()
            pending = list(queryset.pending().select_related("user", "community", "group"))
            declined, refused = _decide(services.membership_decline, pending, by=request.user, reason=reason)
            self._report_refused(request, refused)
            self.message_user(
                request,
                ngettext("Declined %(count)d request.", "Declined %(count)d requests.", declined) % {"count": declined},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Decline requests"),
            "opts": self.model._meta,
            "form": form,
            "pending": queryset.pending().select_related("user", "community", "group"),
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/communities/membership/decline_confirmation.html", context)

    # The bulk import of organisations and people, reached from this list and the organisations'.

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="communities_membership_import",
            )
        ]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "import_url": reverse("admin:communities_membership_import")}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        """Check a CSV file of organisations and people (dry run), then import it all or nothing."""
        if not permissions.may_import(request.user):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            content = form.content()
            commit = "import" in request.POST
            report = importing.import_people(content, dry_run=not commit, actor=request.user)
            if commit and report.ok:
                self.message_user(request, report.summary(), messages.SUCCESS)
                return TemplateResponse(
                    request,
                    "admin/communities/membership/import.html",
                    {**self._import_context(request), "form": ImportForm(), "report": report, "imported": True},
                )
            if report.ok:
                form = ImportForm(initial={"payload": ImportForm.sign(content)})
        return TemplateResponse(
            request,
            "admin/communities/membership/import.html",
            {**self._import_context(request), "form": form, "report": report},
        )

    def _import_context(self, request):
        return {
            **self.admin_site.each_context(request),
            "title": gettext("Import organisations and people"),
            "opts": self.model._meta,
            "columns": importing.COLUMNS,
            "kinds": Organization.Kind.choices,
            "roles": Membership.Role.choices,
            "languages": importing.language_codes(),
        }


class ImportForm(forms.Form):
    """Upload a CSV file; after a clean dry run, the checked content comes back signed for the import."""

    file = forms.FileField(label=_("CSV file"), required=False)
    payload = forms.CharField(required=False, widget=forms.HiddenInput)

    SALT = "communities.admin.import"
    MAX_BYTES = 5 * 1024 * 1024

    @classmethod
    def sign(cls, content: str) -> str:
        from django.core import signing

        return signing.dumps(content, salt=cls.SALT, compress=True)

    def clean(self):
        from django.core import signing

        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > self.MAX_BYTES:
                raise ValidationError(gettext("The file is larger than 5 MB: split it in parts."))
            raw = upload.read()
            try:
                cleaned["text"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise ValidationError(
                    gettext("The file is not UTF-8 text: save it as “CSV UTF-8” and try again.")
                ) from error
        elif cleaned.get("payload"):
            try:
                cleaned["text"] = signing.loads(cleaned["payload"], salt=self.SALT, max_age=3600)
            except signing.BadSignature as error:
                raise ValidationError(gettext("The checked file expired: upload it again.")) from error
        else:
            raise ValidationError(gettext("Choose a CSV file."))
        return cleaned

    def content(self) -> str:
        return self.cleaned_data["text"]


@admin.register(MembershipEvent)
class MembershipEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "person", "place", "action", "from_role", "to_role", "actor", "reason"]
    list_filter = ["action", "membership__community", "membership__role"]
    search_fields = ["membership__user__email", "membership__user__full_name", "actor__email", "reason"]
    list_select_related = ["membership__user", "membership__community", "membership__group", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("person"), ordering="membership__user__email")
    def person(self, obj) -> str:
        return str(obj.membership.user)

    @admin.display(description=_("community or group"))
    def place(self, obj) -> str:
        return str(obj.membership.group or obj.membership.community)
