"""Admin for communities, their groups, members, invitations, partners and reporting labels.

The admin writes through the same services as the console: saving a membership (on its own
page or in an inline) calls communities.services.membership_update, so the events, emails and
guardian permissions are the console's; invitations are revoked and sent again through their
services. Fields no service writes are read-only here.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from members.admin import OrganizationAdmin as BaseOrganizationAdmin
from members.admin import ServiceErrorsAsFormErrors
from members.admin import UserAdmin as BaseUserAdmin
from members.models import Organization, User

from . import importing, permissions, services
from .models import (
    Community,
    DimensionValue,
    Group,
    Invitation,
    Membership,
    MembershipEvent,
    PartnerRole,
    Partnership,
    ReportingDimension,
)
from .services import (
    community_logo_variant_update,
    is_last_coordinator,
    last_coordinator_error,
)

# --- memberships: every save goes through communities.services.membership_update -----------------------------


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


# --- people and organisations, extended with what communities know of them ---------------------------------


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


# --- communities and groups -----------------------------------------------------------------------------------


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
class CommunityAdmin(MembershipSyncMixin, GuardedModelAdmin):
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
        super().save_model(request, obj, form, change)
        if "logo" in form.changed_data:
            community_logo_variant_update(community=obj)

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
            "eligible_organization_kinds",
            "dimension_values",
            "themes",
        ]

    def clean(self):
        cleaned = super().clean()
        community = cleaned.get("community")
        values = cleaned.get("dimension_values")
        if community and values:
            foreign = [str(value) for value in values if value.dimension.community_id != community.pk]
            if foreign:
                raise ValidationError(
                    {"dimension_values": gettext("Not labels of this community: %s") % ", ".join(foreign)}
                )
        return cleaned


@admin.register(Group)
class GroupAdmin(MembershipSyncMixin, GuardedModelAdmin):
    form = GroupAdminForm
    list_display = ["name", "community", "kind", "join_policy", "member_count", "labels"]
    list_filter = ["community", "kind", "join_policy", "dimension_values"]
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
        return ", ".join(value.name for value in obj.dimension_values.all())


# --- memberships: list, actions, import -----------------------------------------------------------------------


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


# --- invitations ----------------------------------------------------------------------------------------------


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


# --- partners and reporting labels ----------------------------------------------------------------------------


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
        fields = ["community", "organization", "role", "dimension_values", "since", "notes"]

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
            self.add_error("dimension_values", gettext("Not labels of this community: %s") % ", ".join(foreign))
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

    @admin.display(description=_("kind"), ordering="organization__kind")
    def organization_kind(self, obj) -> str:
        return obj.organization.get_kind_display()

    @admin.display(description=_("country"), ordering="organization__country")
    def organization_country(self, obj) -> str:
        return str(obj.organization.country.name) if obj.organization.country else ""

    @admin.display(description=_("reporting labels"))
    def labels(self, obj) -> str:
        return ", ".join(value.name for value in obj.dimension_values.all())


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
        return ", ".join(value.name for value in obj.values.all())


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
