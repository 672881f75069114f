"""Issue 15: a chunk of reminders asks "who may still receive it?" in one query, with the per-person answers."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities import permissions
from communities.models import Community, Group, Membership
from communities.services import membership_leave
from meetings import reminders
from meetings.models import AgendaItem, Meeting, Registration, Reminder
from meetings.querysets import CO_ORGANISER_PERM
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.notifications.conftest import future_meeting


@pytest.fixture
def world(db):
    """Communities, groups and meetings of every visibility, and people in every relation to them."""
    public = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    closed = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    hidden = CommunityFactory(visibility=Community.Visibility.HIDDEN)
    other = CommunityFactory()
    groups = {}
    for community in (public, closed, hidden):
        for visibility in Group.Visibility.values:
            groups[community.pk, visibility] = GroupFactory(community=community, visibility=visibility)
    meetings = []
    for community in (public, closed, hidden):
        for visibility in Meeting.Visibility.values:
            meetings.append(future_meeting(community, visibility=visibility))
            for group_visibility in Group.Visibility.values:
                meetings.append(
                    future_meeting(community, visibility=visibility, group=groups[community.pk, group_visibility])
                )
    people = [UserFactory(), UserFactory(is_active=False), UserFactory(is_superuser=True)]
    people.append(make_member(other))  # a member elsewhere
    for community in (public, closed, hidden):
        people.append(make_member(community))
        inactive = make_member(community)
        inactive.is_active = False
        inactive.save(update_fields=["is_active"])
        people.append(inactive)
        people.append(make_member(community, role=Membership.Role.COORDINATOR))
        leaver = make_member(community)
        membership_leave(user=leaver, community=community)
        people.append(leaver)
        pending = UserFactory()
        Membership.objects.create(user=pending, community=community, status=Membership.Status.PENDING)
        people.append(pending)
        for visibility in Group.Visibility.values:
            group = groups[community.pk, visibility]
            people.append(make_member(community, make_member(community), group=group))
            in_group_only = UserFactory()  # a group membership without the community's (data left behind)
            Membership.objects.create(
                user=in_group_only, community=community, group=group, status=Membership.Status.ACTIVE
            )
            people.append(in_group_only)
    # Co-organisers: a member granted one meeting, a non-member holding a stale grant, a grant through an auth group.
    organised = meetings[3]
    co_organiser = make_member(organised.community)
    permissions.grant(CO_ORGANISER_PERM, co_organiser, organised)
    stale = UserFactory()
    permissions.grant(CO_ORGANISER_PERM, stale, organised)
    team = AuthGroup.objects.create(name="organisers")
    permissions.grant(CO_ORGANISER_PERM, team, organised)
    via_team = make_member(organised.community)
    via_team.groups.add(team)
    people += [co_organiser, stale, via_team]
    return meetings, people


def test_the_batched_answer_is_the_per_person_answer_for_every_person_and_meeting(world):
    meetings, people = world
    ids = [person.pk for person in people]
    yes = 0
    for meeting in meetings:
        expected = {person.pk for person in people if reminders.may_receive(user=person, meeting=meeting)}
        assert reminders.may_receive_among(user_ids=ids, meeting=meeting) == expected, meeting
        yes += len(expected)
    assert 0 < yes < len(meetings) * len(people), "the world has both answers"

    # One query for the whole chunk.
    meeting = Meeting.objects.select_related("community", "group").get(pk=meetings[3].pk)
    with CaptureQueriesContext(connection) as captured:
        reminders.may_receive_among(user_ids=[person.pk for person in people], meeting=meeting)
    assert len([q for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]) <= 2  # + content type once


def test_a_chunk_sends_to_those_who_may_receive_and_cancels_the_others(community, run_on_commit):
    now = timezone.now()
    meeting = future_meeting(community, days=0, start=now.replace(microsecond=0) + timedelta(minutes=59))
    AgendaItem.objects.create(meeting=meeting, order=1, title="Welcome and introductions")
    stayers = [make_member(community) for _ in range(4)]
    leaver = make_member(community)
    rows = []
    for person in [*stayers, leaver]:
        registration = Registration.objects.create(meeting=meeting, user=person)
        rows.append(
            Reminder.objects.create(
                meeting=meeting,
                registration=registration,
                offset_minutes=60,
                due_at=meeting.start - timedelta(hours=1),
                status=Reminder.Status.CLAIMED,
                claimed_at=now,
            )
        )
    membership_leave(user=leaver, community=community)
    mail.outbox.clear()

    with CaptureQueriesContext(connection) as captured:
        assert reminders.reminders_send(reminder_ids=[row.pk for row in rows]) == 4
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(p.email for p in stayers)
    assert all("Welcome and introductions" in message.body for message in mail.outbox)
    statuses = dict(Reminder.objects.filter(pk__in=[r.pk for r in rows]).values_list("registration__user", "status"))
    assert statuses[leaver.pk] == Reminder.Status.CANCELLED
    assert {statuses[p.pk] for p in stayers} == {Reminder.Status.SENT}

    # The chunk's reads do not grow with it: one agenda read, one visibility question for the 5 people.
    assert len([q for q in captured if 'FROM "meetings_agendaitem"' in q["sql"]]) == 1
    # Their translations (issue 17) come in one more query for the whole chunk, not one per meeting.
    assert len([q for q in captured if 'FROM "meetings_agendaitemtranslation"' in q["sql"]]) <= 1
    assert len([q for q in captured if "guardian_userobjectpermission" in q["sql"]]) == 1
    mail.outbox.clear()
    Reminder.objects.filter(pk__in=[r.pk for r in rows]).update(status=Reminder.Status.CLAIMED)
    assert reminders.reminders_send(reminder_ids=[row.pk for row in rows]) == 0, "a retried chunk sends nothing"
    assert mail.outbox == []
