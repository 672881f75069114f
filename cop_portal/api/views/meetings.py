"""Meetings of a community: organisers schedule, change and cancel them; the person's own registration.

Scheduling, changing and cancelling run the services the organiser pages run (meeting_schedule,
meeting_update, meeting_cancel); who may is asked of the meetings selectors, which ask communities.permissions
(schedulable_groups, Meeting.objects.manageable_by). A meeting the person cannot see answers 404; one they
see but do not organise, 403.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from meetings import selectors as meeting_selectors
from meetings import services as meeting_services
from meetings.models import Meeting

from ..serializers import MeetingInputSerializer, MeetingSerializer, RegistrationInputSerializer, RegistrationSerializer
from ._base import CommunityScoped, PostOnlyMixin


class _Meetings(CommunityScoped):
    """The meetings of the community the person may see, with seats taken and their own registration status."""

    serializer_class = MeetingSerializer
    queryset = Meeting.objects.none()

    def get_queryset(self):
        if self.fake():
            return Meeting.objects.none()
        user = self.request.user
        meetings = meeting_selectors.community_meetings(community=self.community, user=user)
        meetings = meeting_selectors.with_counts(meetings, user).select_related("group")
        return meetings.annotate(may_manage=meeting_selectors.can_manage_column(user))

    def _answer(self, meeting: Meeting, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data, status=status_code)

    def organised(self) -> Meeting:
        """Return the meeting of the URL: 404 if the person cannot see it, 403 if they do not organise it."""
        meeting = self.get_object()
        if not meeting_selectors.can_manage(user=self.request.user, meeting=meeting):
            raise exceptions.PermissionDenied(_("Only the meeting's organisers can do this."))
        return meeting


def _invalid(field: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [exceptions.ErrorDetail(message, code="invalid")]})


class MeetingList(_Meetings, generics.ListAPIView):
    """GET: the meetings the person may see. POST: schedule one (coordinators; facilitators for their groups)."""

    @extend_schema(request=MeetingInputSerializer, responses={201: MeetingSerializer})
    def post(self, request, *args, **kwargs):
        groups = meeting_selectors.schedulable_groups(user=request.user, community=self.community)
        if groups is None:
            raise exceptions.PermissionDenied(_("Only coordinators and facilitators can schedule meetings."))
        data = MeetingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        slug = fields.pop("group", "")
        fields["group"] = None
        if slug:
            fields["group"] = groups.filter(slug=slug).first()
            if fields["group"] is None:
                raise _invalid("group", _("You cannot schedule meetings for this group."))
        elif not meeting_selectors.is_coordinator(user=request.user, community=self.community):
            raise _invalid("group", _("Choose one of your groups."))
        meeting = meeting_services.meeting_schedule(community=self.community, by=request.user, **fields)
        return self._answer(meeting, status.HTTP_201_CREATED)


class MeetingDetail(_Meetings, generics.RetrieveAPIView):
    """GET: one meeting. PATCH: change the fields sent (its organisers); people registered get the new times."""

    lookup_url_kwarg = "meeting_pk"

    @extend_schema(request=MeetingInputSerializer(partial=True), responses=MeetingSerializer)
    def patch(self, request, *args, **kwargs):
        meeting = self.organised()
        data = MeetingInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "group" in fields:
            raise _invalid("group", _("A meeting's group is changed on its page."))
        meeting = meeting_services.meeting_update(meeting=meeting, by=request.user, **fields)
        return self._answer(meeting)


class MeetingCancel(PostOnlyMixin, _Meetings):
    """Cancel a meeting (its organisers); everyone registered is told by email. Cancelling twice sends nothing more."""

    lookup_url_kwarg = "meeting_pk"

    @extend_schema(request=None, responses=MeetingSerializer)
    def post(self, request, *args, **kwargs):
        meeting = meeting_services.meeting_cancel(meeting=self.organised(), by=request.user)
        return self._answer(meeting)


class MyRegistration(CommunityScoped, generics.GenericAPIView):
    """The person's registration for one meeting: GET reads it, POST registers (a seat, the waitlist or a
    request, as the meeting's policy says; the confirmation email is queued as on the page), DELETE cancels."""

    serializer_class = RegistrationInputSerializer
    queryset = Meeting.objects.none()
    lookup_url_kwarg = "meeting_pk"

    def get_queryset(self):
        if self.fake():
            return Meeting.objects.none()
        return meeting_selectors.community_meetings(community=self.community, user=self.request.user)

    def _meeting_and_registration(self):
        meeting = self.get_object()
        if not self.request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        return meeting, meeting_selectors.registration_of(meeting=meeting, user=self.request.user)

    @extend_schema(responses=RegistrationSerializer)
    def get(self, request, *args, **kwargs):
        meeting, registration = self._meeting_and_registration()
        if registration is None:  # not registered: the same shape, with no status
            return Response(
                {"id": None, "meeting": meeting.pk, "status": None, "attendance_mode": "", "position": None}
            )
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(request=RegistrationInputSerializer, responses={201: RegistrationSerializer})
    def post(self, request, *args, **kwargs):
        meeting, _registration = self._meeting_and_registration()
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = meeting_services.registration_create(
            meeting=meeting, user=request.user, answers=data.validated_data.get("answers") or {}
        )
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RegistrationSerializer)
    def delete(self, request, *args, **kwargs):
        meeting, registration = self._meeting_and_registration()
        if registration is None or not registration.is_active:
            raise exceptions.NotFound
        if meeting.series_id:  # as on the page: a follower of the series skips this one occurrence
            registration = meeting_services.series_occurrence_skip(meeting=meeting, user=request.user) or registration
        else:
            registration = meeting_services.registration_cancel(registration=registration, by=request.user)
        registration.refresh_from_db()
        return Response(RegistrationSerializer(registration).data)
