"""/people/: "who knows what" across the viewer's communities (spans apps, so it lives in cop_portal)."""

from django.urls import path

from . import views

app_name = "people_search"

urlpatterns = [
    path("", views.people_search, name="search"),
]
