"""Portal-wide people pages: /people/... (the cross-community search lives in cop_portal.people.urls)."""

from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("profile/", views.profile_settings, name="profile"),
    path("profile/organisation/", views.organisation_propose, name="organisation_propose"),
]
