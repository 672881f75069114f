"""Calendar feeds, mounted at the site root by one line in cop_portal/urls.py:

/c/<slug>/meetings.ics        the community's public meetings (calendar_feeds:community)
/me/calendar/                 create, replace or turn off my private feed (calendar_feeds:manage)
/me/calendar/<token>.ics      my private feed, all my communities (calendar_feeds:personal)
"""

from django.urls import path

from . import views

app_name = "calendar_feeds"

urlpatterns = [
    path("c/<slug:community_slug>/meetings.ics", views.community_feed, name="community"),
    path("me/calendar/", views.feed_manage, name="manage"),
    path("me/calendar/<str:token>.ics", views.personal_feed, name="personal"),
]
