"""Sign-up with the privacy notice: the person accepts its latest version, and that is recorded."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.forms import PortalSignupForm

from .notice import consent_record, notice_latest


class PrivacySignupForm(PortalSignupForm):
    """PortalSignupForm, plus accepting the privacy notice when the deployment has one."""

    accept_privacy = forms.BooleanField(label=_("I have read the privacy notice and accept it"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice_latest()
        if self.notice is None:
            del self.fields["accept_privacy"]

    def save(self, request):
        user = super().save(request)
        if self.notice is not None:
            consent_record(user=user, notice=self.notice)
        return user
