from django.conf import settings


def portal(request):
    """Expose the current community, the language list and account nudges to every template."""
    user = getattr(request, "user", None)
    return {
        "current_community": getattr(request, "community", None),
        "PORTAL_LANGUAGES": settings.LANGUAGES,
        "staff_without_mfa": _staff_without_mfa(user),
    }


def _staff_without_mfa(user) -> bool:
    """Return whether user is staff and has no second factor yet; staff are nudged to add one."""
    if user is None or not user.is_authenticated or not user.is_staff:
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user).exists()
