"""The portal's URLs plus the framework floor: a trivial template view, only in the benchmark settings."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

FLOOR = engines["django"].from_string("<!doctype html><title>{{ title }}</title><p>{{ text }}</p>")


def floor(request):
    """Render a trivial template through the same middleware: the fastest a Django page can be here."""
    return HttpResponse(FLOOR.render({"title": "Floor", "text": "A trivial page."}, request))


urlpatterns = [path("__floor__/", floor), path("", include("cop_portal.urls"))]
