"""Meetings of a community: /c/<slug>/meetings/..."""

from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("calendar/", views.meeting_calendar, name="calendar"),
    path("new/", views.meeting_create, name="create"),
    path("series/new/", views.series_create, name="series_create"),
    path("series/<int:series_pk>/", views.series_detail, name="series"),
    path("<int:meeting_pk>/", views.meeting_detail, name="detail"),
    path("<int:meeting_pk>/meeting.ics", views.meeting_ics, name="ics"),
    path("<int:meeting_pk>/register/", views.register, name="register"),
    path("<int:meeting_pk>/unregister/", views.unregister, name="unregister"),
    path("<int:meeting_pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:meeting_pk>/duplicate/", views.meeting_duplicate, name="duplicate"),
    path("<int:meeting_pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:meeting_pk>/agenda/", views.agenda, name="agenda"),
    path("<int:meeting_pk>/agenda/<int:agenda_item_pk>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path("<int:meeting_pk>/agenda/<int:agenda_item_pk>/move/", views.agenda_item_move, name="agenda_item_move"),
    path("<int:meeting_pk>/agenda/<int:agenda_item_pk>/delete/", views.agenda_item_delete, name="agenda_item_delete"),
    path("<int:meeting_pk>/registrations/", views.registrations, name="registrations"),
    path("<int:meeting_pk>/registrations.csv", views.registrations_csv, name="registrations_csv"),
    path(
        "<int:meeting_pk>/registrations/<int:registration_pk>/approve/",
        views.registration_approve,
        name="registration_approve",
    ),
    path(
        "<int:meeting_pk>/registrations/<int:registration_pk>/decline/",
        views.registration_decline,
        name="registration_decline",
    ),
    path("<int:meeting_pk>/attendance/", views.attendance, name="attendance"),
    path("<int:meeting_pk>/close/", views.meeting_close, name="close"),
    path("<int:meeting_pk>/co-organisers/", views.coorganisers, name="coorganisers"),
    path("<int:meeting_pk>/co-organisers/add/", views.coorganiser_add, name="coorganiser_add"),
    path("<int:meeting_pk>/co-organisers/remove/", views.coorganiser_remove, name="coorganiser_remove"),
]
