"""System checks of the deployment (run by `check`, `check --deploy`, `migrate` and `runserver`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

# Backends whose data lives in one process: a rate limit kept there counts each worker's tries apart.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
# Shared by the processes of one machine only.
PER_MACHINE_CACHES = ("django.core.cache.backends.filebased.FileBasedCache",)


def _is(backend: str, names: tuple[str, ...]) -> bool:
    try:
        cls = import_string(backend)
    except ImportError:
        return False
    return any(issubclass(cls, import_string(name)) for name in names)


@register(Tags.caches)
def shared_cache_check(app_configs=None, **kwargs):
    """Refuse a per-process cache where the settings require a shared one (the production profile).

    allauth keeps its login and sign-up rate limits in the default cache; in each gunicorn
    worker's memory they would let every worker take its own full allowance of guesses.
    """
    if not getattr(settings, "REQUIRE_SHARED_CACHE", False):
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if _is(backend, PER_PROCESS_CACHES):
        return [
            Error(
                f"The default cache ({backend}) lives in each process's memory, so the login rate limits "
                "would not hold across workers.",
                hint="Set CACHE_URL (or REDIS_URL) to a Redis server shared by every web process.",
                id="cop_portal.E001",
            )
        ]
    if _is(backend, PER_MACHINE_CACHES):
        return [
            Warning(
                f"The default cache ({backend}) is shared only by the processes of one machine.",
                hint="Use Redis (CACHE_URL) when the portal runs on more than one machine.",
                id="cop_portal.W001",
            )
        ]
    return []
