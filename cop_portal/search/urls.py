"""/search/: one page across knowledge, meetings and people."""

from django.urls import path

from .views import search_view

app_name = "search"
urlpatterns = [path("", search_view, name="index")]
