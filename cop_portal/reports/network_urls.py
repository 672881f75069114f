"""The network map across communities: /network/."""

from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("", views.network, name="map"),
]
