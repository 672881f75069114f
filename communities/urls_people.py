"""Per-community people pages (member directory, profiles): /c/<slug>/members/..."""

from django.urls import path

from . import views_people

app_name = "people"

urlpatterns = [
    path("members/", views_people.member_directory, name="directory"),
    path("members/<int:user_id>/", views_people.member_detail, name="member"),
]
