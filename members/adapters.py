from allauth.account.adapter import DefaultAccountAdapter


class PortalAccountAdapter(DefaultAccountAdapter):
    """Send allauth's emails in the recipient's own language."""

    def send_mail(self, template_prefix, email, context):
        from django.utils import translation

        from .models import User

        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        language = getattr(user, "language", None) or translation.get_language()
        with translation.override(language):
            return super().send_mail(template_prefix, email, context)

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Count failed sign-ins per address across the whole deployment.

        allauth keys the count by the request's host and the address. Every node, every port and
        every community domain of one deployment shares one set of accounts, so the host is left
        out: five failures on one node (or one community's domain) are refused on all of them.
        """
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"portal:{login}"
