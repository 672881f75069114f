"""The admin of cop_portal's own models: erasures (staff erase a person with a reason, recorded)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from members.models import User

from .models import ConsentRecord, ErasureRecord, PrivacyNotice
from .privacy.erasure import person_erase


class ErasureForm(forms.ModelForm):
    """Whom to erase (their email address, as typed) and why; the record keeps only their id."""

    email = forms.EmailField(label=_("email address of the person to erase"))

    class Meta:
        model = ErasureRecord
        fields = ["reason"]

    def clean_email(self):
        person = User.objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if person is None or person.is_erased:
            raise forms.ValidationError(_("Nobody has this email address."))
        self.person = person
        return self.cleaned_data["email"]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why this person is erased: the record keeps it."))
        return reason


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    """Adding a record erases the person (cop_portal.privacy.erasure); records are never changed or deleted."""

    list_display = ["erased_user_id", "erased_at", "by", "by_themselves", "reason"]
    list_filter = ["by_themselves"]
    readonly_fields = ["erased_user_id", "erased_at", "by", "by_themselves", "reason"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ErasureForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["email", "reason"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        record = person_erase(person=form.person, by=request.user, reason=form.cleaned_data["reason"])
        obj.pk, obj.erased_user_id, obj.erased_at, obj.by_id = (
            record.pk,
            record.erased_user_id,
            record.erased_at,
            record.by_id,
        )
        messages.info(
            request, _("The person is erased; only their id #%(id)s is left.") % {"id": record.erased_user_id}
        )


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """A new version is a new row (the page shows the latest); published versions are never changed."""

    list_display = ["__str__", "created_at", "created_by"]
    readonly_fields = ["created_by"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.save()


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """What each person accepted, read-only."""

    list_display = ["user", "notice", "consented_at"]
    list_select_related = ["user", "notice"]
    readonly_fields = ["user", "notice", "consented_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
