"""Pages and endpoints that belong to the portal as a whole."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means the database is down
        return False


def _check_broker() -> bool:
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        return bool(client.ping())
    except Exception:  # noqa: BLE001
        return False


def _cache_url() -> str:
    """Return the Redis address of the default cache, or "" when the cache is not on Redis."""
    config = settings.CACHES.get("default", {})
    backend = config.get("BACKEND", "")
    location = config.get("LOCATION", "")
    return location if "redis" in backend.lower() and isinstance(location, str) else ""


def _check_cache(url: str) -> bool:
    # Asked directly: the fail-safe cache backend would answer from memory with Redis down.
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        return bool(client.ping())
    except Exception:  # noqa: BLE001
        return False


@never_cache
@require_GET
def healthz(request):
    """Report whether the database and, when configured, the broker and the cache answer (503 naming what failed)."""
    checks = {"database": "ok" if _check_database() else "down"}
    if settings.REDIS_URL:
        checks["broker"] = "ok" if _check_broker() else "down"
    if cache_url := _cache_url():
        checks["cache"] = "ok" if _check_cache(cache_url) else "down"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", "checks": checks}, status=200 if healthy else 503)


def set_language(request):
    """Switch the interface language, and remember it on the profile of a signed-in person."""
    from django.views.i18n import set_language as django_set_language

    response = django_set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


_migrated = False  # once every migration is applied, it stays so for the life of this process


def _unapplied_migrations() -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@never_cache
@require_GET
def readyz(request):
    """Report whether this node may take traffic: the database answers and every migration is applied (else 503)."""
    global _migrated
    if not _check_database():
        return JsonResponse({"status": "down", "checks": {"database": "down"}}, status=503)
    if not _migrated:
        unapplied = _unapplied_migrations()
        if unapplied:
            return JsonResponse({"status": "migrating", "unapplied_migrations": unapplied}, status=503)
        _migrated = True
    return JsonResponse({"status": "ready", "checks": {"database": "ok", "migrations": "ok"}})
