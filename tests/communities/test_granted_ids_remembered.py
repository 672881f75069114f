"""Issue 15: a read-only request builds each grant subquery once, and it is never stale.

A meeting or knowledge query asks granted_ids in its visibility rule; /me/ builds five of them. The
remembered answer is the subquery itself, which the database evaluates each time it is used.
"""

import pytest
from guardian.shortcuts import assign_perm

from communities import permissions
from meetings.models import Meeting
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db

PERM = "meetings.organise_meeting"


def _organiser_of_the_first_of_two():
    community = CommunityFactory()
    person = UserFactory()
    make_member(community, person)
    first, second = MeetingFactory(community=community), MeetingFactory(community=community)
    assign_perm(PERM, person, first)
    return person, first, second


def test_one_subquery_per_request_that_sees_a_grant_given_after_it_was_built():
    person, first, second = _organiser_of_the_first_of_two()
    with permissions.request_answers():
        # The person not read yet: guardian's tables are asked, by a subquery the database runs each time.
        granted = permissions.granted_ids(person, PERM, Meeting)
        assert permissions.granted_ids(person, PERM, Meeting) is granted
        assert permissions.granted_ids(person, PERM, Meeting, object_pk=first.pk) is not granted
        assert set(Meeting.objects.filter(pk__in=granted).values_list("pk", flat=True)) == {first.pk}
        assign_perm(PERM, person, second)  # a write would end the read-only request; the SQL sees it anyway
        assert set(Meeting.objects.filter(pk__in=granted).values_list("pk", flat=True)) == {first.pk, second.pk}
    # Outside a read-only request every call builds its own.
    assert permissions.granted_ids(person, PERM, Meeting) is not permissions.granted_ids(person, PERM, Meeting)


def test_with_the_person_read_the_grants_are_those_read_with_them():
    """Within a read-only request whose person is read, the grants are the person's (Person.object_grants).

    The same snapshot as their memberships and management grants: such a request writes nothing, and the
    next request reads the person again once a grant changes (test_person_cache.py).
    """
    person, first, second = _organiser_of_the_first_of_two()
    with permissions.request_answers():
        permissions.known_person(person)
        granted = permissions.granted_ids(person, PERM, Meeting)
        assert "guardian" not in str(granted.query)
        assert set(Meeting.objects.filter(pk__in=granted).values_list("pk", flat=True)) == {first.pk}
    assign_perm(PERM, person, second)
    with permissions.request_answers():
        permissions.known_person(person)
        granted = permissions.granted_ids(person, PERM, Meeting)
        assert set(Meeting.objects.filter(pk__in=granted).values_list("pk", flat=True)) == {first.pk, second.pk}


def test_each_person_model_and_path_has_its_own():
    community = CommunityFactory()
    one, other = UserFactory(), UserFactory()
    for person in (one, other):
        make_member(community, person)
    meeting = MeetingFactory(community=community)
    assign_perm(PERM, one, meeting)
    with permissions.request_answers():
        mine = permissions.granted_ids(one, PERM, Meeting)
        theirs = permissions.granted_ids(other, PERM, Meeting)
        assert mine is not theirs
        assert list(Meeting.objects.filter(pk__in=mine).values_list("pk", flat=True)) == [meeting.pk]
        assert not Meeting.objects.filter(pk__in=theirs).exists()
