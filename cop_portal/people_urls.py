"""/people/: "who knows what" across the viewer's communities (spans apps, so it lives in cop_portal)."""

from django.urls import path

from . import people_views

app_name = "people_search"

urlpatterns = [
    path("", people_views.people_search, name="search"),
]
