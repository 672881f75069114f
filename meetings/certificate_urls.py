"""The public verification page of certificates of attendance: /certificates/<signed token>/ (no community)."""

from django.urls import path

from .views.certificates import certificate_verify

app_name = "certificates"

urlpatterns = [
    path("<str:token>/", certificate_verify, name="verify"),
]
