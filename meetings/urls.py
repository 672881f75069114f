"""Meetings of a community: /c/<slug>/meetings/..."""

from django.urls import path

from members import ids

from . import views

ids.register()  # <id:...>: an id beyond the database's range is a 404, not an overflow

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("calendar/", views.meeting_calendar, name="calendar"),
    path("new/", views.meeting_create, name="create"),
    path("series/new/", views.series_create, name="series_create"),
    path("series/<id:series_pk>/", views.series_detail, name="series"),
    path("<id:meeting_pk>/", views.meeting_detail, name="detail"),
    path("<id:meeting_pk>/meeting.ics", views.meeting_ics, name="ics"),
    path("<id:meeting_pk>/register/", views.register, name="register"),
    path("<id:meeting_pk>/unregister/", views.unregister, name="unregister"),
    path("<id:meeting_pk>/edit/", views.meeting_edit, name="edit"),
    path("<id:meeting_pk>/duplicate/", views.meeting_duplicate, name="duplicate"),
    path("<id:meeting_pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<id:meeting_pk>/agenda/", views.agenda, name="agenda"),
    path("<id:meeting_pk>/agenda/<id:agenda_item_pk>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path("<id:meeting_pk>/agenda/<id:agenda_item_pk>/move/", views.agenda_item_move, name="agenda_item_move"),
    path("<id:meeting_pk>/agenda/<id:agenda_item_pk>/delete/", views.agenda_item_delete, name="agenda_item_delete"),
    path("<id:meeting_pk>/registrations/", views.registrations, name="registrations"),
    path("<id:meeting_pk>/registrations.csv", views.registrations_csv, name="registrations_csv"),
    path(
        "<id:meeting_pk>/registrations/<id:registration_pk>/approve/",
        views.registration_approve,
        name="registration_approve",
    ),
    path(
        "<id:meeting_pk>/registrations/<id:registration_pk>/decline/",
        views.registration_decline,
        name="registration_decline",
    ),
    path("<id:meeting_pk>/attendance/", views.attendance, name="attendance"),
    path("<id:meeting_pk>/close/", views.meeting_close, name="close"),
    path("<id:meeting_pk>/co-organisers/", views.coorganisers, name="coorganisers"),
    path("<id:meeting_pk>/co-organisers/add/", views.coorganiser_add, name="coorganiser_add"),
    path("<id:meeting_pk>/co-organisers/remove/", views.coorganiser_remove, name="coorganiser_remove"),
]
