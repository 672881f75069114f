"""Setting a password from an emailed link (allauth's password reset, and the import's welcome email).

An imported account starts with one unconfirmed address and no password. Its welcome email
carries allauth's set-password link; following it proves the person reads that address
(allauth sends the link only to an address of the account), so the one address the account
has is confirmed then, and the person signs in at once instead of waiting for a second email.
"""

from __future__ import annotations

from allauth.account.forms import ResetPasswordKeyForm
from allauth.account.models import EmailAddress


def email_confirm_by_password_link(*, user) -> bool:
    """Confirm user's address after a password set from an emailed link, when it is the account's only one.

    Return whether an address was confirmed. An account with several addresses is left as it
    is: the link went to one of them, and we do not know which.
    """
    addresses = list(EmailAddress.objects.filter(user=user))
    if len(addresses) != 1 or addresses[0].verified or addresses[0].email.lower() != user.email.lower():
        return False
    address = addresses[0]
    address.verified = True
    address.primary = True
    address.save(update_fields=["verified", "primary"])
    return True


class PortalResetPasswordKeyForm(ResetPasswordKeyForm):
    """allauth's form for a new password from a link; it also confirms the address the link went to."""

    def save(self) -> None:
        super().save()
        email_confirm_by_password_link(user=self.user)
