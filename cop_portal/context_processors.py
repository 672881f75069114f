from django.conf import settings


def portal(request):
    """Expose the current community and the language list to every template."""
    return {
        "current_community": getattr(request, "community", None),
        "PORTAL_LANGUAGES": settings.LANGUAGES,
    }
