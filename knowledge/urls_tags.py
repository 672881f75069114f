"""Tag pages across the communities a viewer can see: /tags/<slug>/."""

from django.urls import path

from . import views_tags

app_name = "tags"

urlpatterns = [
    path("<str:tag_slug>/", views_tags.tag_detail, name="detail"),
    path("<str:tag_slug>/follow/", views_tags.tag_follow, name="follow"),
]
