from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.i18n import JavaScriptCatalog

from communities import views as community_views

from . import views
from .operations.metrics import metrics_view
from .privacy import views as privacy_views

# The admin login goes through allauth, so its rate limits and two-factor apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = gettext_lazy("CoP Portal")
admin.site.site_title = gettext_lazy("CoP Portal")

urlpatterns = [
    path("", community_views.directory, name="directory"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("accessibility/", include("cop_portal.accessibility.urls")),
    path("privacy/", privacy_views.privacy_notice, name="privacy_notice"),
    path("privacy/accept/", privacy_views.privacy_accept, name="privacy_accept"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("i18n/js/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("meetings.feed_urls")),  # /c/<slug>/meetings.ics and /me/calendar/...
    path("certificates/", include("meetings.certificate_urls")),  # verification links of certificates
    path("me/", include("cop_portal.me.urls")),
    path("api/v1/", include("cop_portal.api.urls")),  # the REST API (issue 18), docs at /api/v1/docs/
    path("invitations/", include("communities.urls_invitations")),
    path("people/", include("cop_portal.people.urls")),
    path("people/", include("members.urls")),
    # Discussions by email: /inbound/email/ (the webhook), /c/<slug>/discussions/follow/... and email-settings/
    path("", include("discussions.urls_mail")),
    path("c/<slug:community_slug>/", include("communities.urls")),
    path("c/<slug:community_slug>/", include("communities.urls_people")),
    path("c/<slug:community_slug>/meetings/", include("meetings.urls")),
    path("c/<slug:community_slug>/knowledge/", include("knowledge.urls")),
    path("c/<slug:community_slug>/discussions/", include("discussions.urls")),  # threads, posts, moderation
    # Announcements of coordinators and facilitators (issue 12): list, page, new (form, preview, send).
    path("c/<slug:community_slug>/announcements/", include("discussions.urls_announcements")),
    path("c/<slug:community_slug>/", include("cop_portal.reports.urls")),  # reports/ and open-data/
    path("c/<slug:community_slug>/", include("cop_portal.translations.urls")),  # translate/, manage/translations/
    path("search/", include("cop_portal.search.urls")),
    path("network/", include("cop_portal.reports.network_urls")),
    path("tags/", include("knowledge.urls_tags")),
    path("", include("cop_portal.notifications.urls")),  # /unsubscribe/<token>/, delivery log, custom reminders
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
