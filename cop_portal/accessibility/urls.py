"""/accessibility/: the statement and its feedback form."""

from django.urls import path

from .views import statement

app_name = "accessibility"
urlpatterns = [path("", statement, name="statement")]
