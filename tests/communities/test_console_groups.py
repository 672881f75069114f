"""The console's Groups pages (issue 13): every action as coordinator, facilitator, member and outsider.

Each write is checked for its CommunityEvent; archived groups refuse joining and posting; lists
sort naturally and run a fixed number of queries.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities import permissions
from communities.models import Community, CommunityEvent, Group, Membership
from communities.selectors import community_groups
from communities.services import (
    GroupError,
    MembershipError,
    facilitator_name,
    facilitator_remove,
    group_archive,
    group_create,
    group_move,
    group_update,
    invitation_create,
    membership_join,
    membership_request,
)
from members.models import Organization
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

Action = CommunityEvent.Action
Role = Membership.Role


def url(community, name, **kwargs):
    return reverse(f"communities:{name}", kwargs={"community_slug": community.slug, **kwargs})


def group_url(group, name):
    return url(group.community, name, group_slug=group.slug)


def events(community, action=None):
    rows = CommunityEvent.objects.filter(community=community)
    return list(rows.filter(action=action) if action else rows)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def space(db):
    """A community with a coordinator, a group with its facilitator, a plain member and an outsider."""
    community = CommunityFactory(slug="rebuild", name="REBUILD", join_policy=Community.JoinPolicy.OPEN)
    coordinator = make_member(community, UserFactory(full_name="Cora Coordinator"), role=Role.COORDINATOR)
    team = GroupFactory(community=community, slug="team-1", name="Team 1", description="First team.")
    other = GroupFactory(community=community, slug="team-2", name="Team 2")
    facilitator = make_member(community, UserFactory(full_name="Fabio Facilitator"))
    make_member(community, facilitator, role=Role.FACILITATOR, group=team)
    member = make_member(community, UserFactory(full_name="Mia Member"))
    outsider = UserFactory(full_name="Otto Outsider")
    return {
        "community": community,
        "coordinator": coordinator,
        "facilitator": facilitator,
        "member": member,
        "outsider": outsider,
        "team": team,
        "other": other,
    }


GROUP_FORM = {
    "name": "Coordination team 3",
    "kind": Group.Kind.COORDINATION,
    "description": "Runs the third funding call.",
    "join_policy": Community.JoinPolicy.APPROVAL,
    "visibility": Group.Visibility.MEMBERS,
    "eligible_organization_kinds": [Organization.Kind.MUNICIPALITY],
    "themes": "patti educativi di comunità, welfare",
}


# --- Who opens what ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_members_and_outsiders_get_404_on_every_groups_page(client, space, who):
    client.force_login(space[who])
    team = space["team"]
    community = space["community"]
    pages = [
        url(community, "manage_groups"),
        url(community, "manage_group_new"),
        group_url(team, "manage_group_edit"),
    ]
    posts = [
        (group_url(team, "manage_group_archive"), {}),
        (group_url(team, "manage_group_restore"), {}),
        (group_url(team, "manage_group_move"), {"position": 2}),
        (group_url(team, "manage_group_facilitator_add"), {"user": space["member"].pk}),
        (url(community, "manage_group_facilitator_end", group_slug=team.slug, user_id=space["facilitator"].pk), {}),
    ]
    for page in pages:
        assert client.get(page).status_code == 404, page
    for page, data in posts:
        assert client.post(page, data).status_code == 404, page
    assert client.post(url(community, "manage_group_new"), GROUP_FORM).status_code == 404
    assert client.post(group_url(team, "manage_group_edit"), {"description": "Taken over"}).status_code == 404
    team.refresh_from_db()
    assert team.description == "First team."
    assert not team.is_archived
    assert events(community) == []


def test_an_anonymous_visitor_is_sent_to_sign_in(client, space):
    response = client.get(url(space["community"], "manage_groups"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_facilitator_sees_only_their_groups_and_no_coordinator_actions(client, space):
    client.force_login(space["facilitator"])
    response = client.get(url(space["community"], "manage_groups"))
    page = response.content.decode()

    assert response.status_code == 200
    assert [group.name for group in response.context["groups"]] == ["Team 1"]
    assert "Team 2" not in page
    assert group_url(space["team"], "manage_group_archive") not in page
    assert url(space["community"], "manage_group_new") not in page
    assert client.get(group_url(space["other"], "manage_group_edit")).status_code == 404


@pytest.mark.parametrize(
    "name,data",
    [
        ("manage_group_archive", {}),
        ("manage_group_restore", {}),
        ("manage_group_move", {"position": 2}),
        ("manage_group_facilitator_add", {}),
    ],
)
def test_a_facilitator_cannot_use_the_coordinators_actions_on_their_own_group(client, space, name, data):
    client.force_login(space["facilitator"])
    data = data or {"user": space["member"].pk}
    assert client.post(group_url(space["team"], name), data).status_code == 404
    assert client.get(url(space["community"], "manage_group_new")).status_code == 404
    assert events(space["community"]) == []


# --- Create ------------------------------------------------------------------------------------------


def test_a_coordinator_creates_a_group_with_every_field_and_it_is_recorded(client, space):
    client.force_login(space["coordinator"])
    response = client.post(url(space["community"], "manage_group_new"), GROUP_FORM)

    group = Group.objects.get(name="Coordination team 3")
    assert response.status_code == 302
    assert response["Location"] == group_url(group, "manage_group_edit")
    assert group.slug == "coordination-team-3"
    assert group.kind == Group.Kind.COORDINATION
    assert group.join_policy == Community.JoinPolicy.APPROVAL
    assert group.visibility == Group.Visibility.MEMBERS
    assert group.eligible_organization_kinds == [Organization.Kind.MUNICIPALITY]
    assert sorted(group.themes.names()) == ["patti educativi di comunità", "welfare"]
    assert group.position == 1  # after the existing groups, whose positions were 0
    [event] = events(space["community"], Action.GROUP_CREATED)
    assert event.actor == space["coordinator"]
    assert event.group == group
    assert event.changes["name"] == [None, "Coordination team 3"]
    assert event.changes["themes"] == [None, ["patti educativi di comunità", "welfare"]]


def test_creating_twice_makes_one_group(client, space):
    client.force_login(space["coordinator"])
    client.post(url(space["community"], "manage_group_new"), GROUP_FORM)
    response = client.post(url(space["community"], "manage_group_new"), GROUP_FORM)

    assert response.status_code == 302
    assert Group.objects.filter(name="Coordination team 3").count() == 1
    assert len(events(space["community"], Action.GROUP_CREATED)) == 1


def test_a_name_already_used_in_the_community_is_refused_with_a_message(client, space):
    client.force_login(space["coordinator"])
    response = client.post(url(space["community"], "manage_group_new"), {**GROUP_FORM, "name": "  team   1 "})

    assert response.status_code == 400
    assert "This community already has a group called team 1." in response.content.decode()
    assert Group.objects.filter(community=space["community"]).count() == 2
    assert events(space["community"]) == []


def test_bad_choices_are_refused_and_change_nothing(space):
    with pytest.raises(GroupError) as caught:
        group_create(
            community=space["community"], by=space["coordinator"], name="X", kind="club", visibility="everyone"
        )
    assert set(caught.value.message_dict) == {"kind", "visibility"}
    assert not Group.objects.filter(name="X").exists()


def test_slugs_are_ascii_unique_and_have_a_fallback_for_arabic_names(space):
    community, by = space["community"], space["coordinator"]
    first = group_create(community=community, by=by, name="فريق التنسيق")
    second = group_create(community=community, by=by, name="مجموعة المدن")
    accented = group_create(community=community, by=by, name="Comunità educante")
    GroupFactory(community=community, slug="team-a", name="Old team")
    clash = group_create(community=community, by=by, name="Team A")

    assert (first.slug, second.slug) == ("group", "group-2")
    assert accented.slug == "comunita-educante"
    assert clash.slug == "team-a-2"
    assert client_can_open(first)


def client_can_open(group) -> bool:
    from django.test import Client

    return Client().get(group.get_absolute_url()).status_code == 200


# --- Edit ----------------------------------------------------------------------------------------------


def test_a_coordinator_changes_every_field_and_the_history_shows_before_and_after(client, space):
    client.force_login(space["coordinator"])
    team = space["team"]
    data = {**GROUP_FORM, "name": "Team One"}
    response = client.post(group_url(team, "manage_group_edit"), data)

    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "Team One"
    assert team.slug == "team-1"  # links keep working
    assert team.visibility == Group.Visibility.MEMBERS
    [event] = events(space["community"], Action.GROUP_UPDATED)
    assert event.changes["name"] == ["Team 1", "Team One"]
    assert event.changes["join_policy"] == ["open", "approval"]

    client.post(group_url(team, "manage_group_edit"), data)  # the same form again
    assert len(events(space["community"], Action.GROUP_UPDATED)) == 1


def test_a_facilitator_changes_the_description_and_themes_of_their_group_only(client, space):
    client.force_login(space["facilitator"])
    team = space["team"]
    page = client.get(group_url(team, "manage_group_edit"))
    form = page.context["form"]
    assert set(form.fields) == {"description", "language", "themes"}  # language: what the description is written in

    response = client.post(
        group_url(team, "manage_group_edit"),
        {"description": "What we do now.", "themes": "co-design", "name": "Renamed", "join_policy": "invitation"},
    )

    assert response.status_code == 302
    team.refresh_from_db()
    assert team.description == "What we do now."
    assert list(team.themes.names()) == ["co-design"]
    assert (team.name, team.join_policy) == ("Team 1", "open")
    [event] = events(space["community"], Action.GROUP_UPDATED)
    assert event.actor == space["facilitator"]
    assert set(event.changes) == {"description", "themes"}


def test_the_service_refuses_a_facilitator_changing_who_may_enter(space):
    with pytest.raises(GroupError) as caught:
        group_update(group=space["team"], by=space["facilitator"], visibility=Group.Visibility.PRIVATE)
    assert caught.value.code == "forbidden"
    with pytest.raises(GroupError):
        group_update(group=space["other"], by=space["facilitator"], description="Not mine")
    assert events(space["community"]) == []


# --- Archive and restore -----------------------------------------------------------------------------


def test_a_coordinator_archives_and_restores_and_a_repeat_records_nothing(client, space):
    client.force_login(space["coordinator"])
    team, community = space["team"], space["community"]
    client.post(group_url(team, "manage_group_archive"))
    client.post(group_url(team, "manage_group_archive"))

    team.refresh_from_db()
    assert team.is_archived
    assert team.archived_by == space["coordinator"]
    assert len(events(community, Action.GROUP_ARCHIVED)) == 1
    page = client.get(url(community, "manage_groups")).content.decode()
    assert "Archived" in page
    assert group_url(team, "manage_group_restore") in page

    client.post(group_url(team, "manage_group_restore"))
    client.post(group_url(team, "manage_group_restore"))
    team.refresh_from_db()
    assert not team.is_archived
    assert len(events(community, Action.GROUP_RESTORED)) == 1


def test_an_archived_group_cannot_be_changed_until_restored(client, space):
    group_archive(group=space["team"], by=space["coordinator"])
    client.force_login(space["facilitator"])
    page = client.get(group_url(space["team"], "manage_group_edit"))
    assert page.status_code == 200
    assert page.context["form"] is None

    client.post(group_url(space["team"], "manage_group_edit"), {"description": "Sneaked in"})
    space["team"].refresh_from_db()
    assert space["team"].description == "First team."
    with pytest.raises(GroupError) as caught:
        group_update(group=space["team"], by=space["coordinator"], description="Sneaked in")
    assert caught.value.code == "archived"


# --- Archived groups are read-only everywhere ------------------------------------------------------------


@pytest.fixture
def archived(space):
    group_archive(group=space["team"], by=space["coordinator"])
    space["team"].refresh_from_db()
    return space["team"]


def test_nobody_joins_or_asks_to_join_an_archived_group(client, space, archived):
    with pytest.raises(MembershipError) as caught:
        membership_join(user=space["member"], community=space["community"], group=archived)
    assert caught.value.code == "archived"
    archived.join_policy = Community.JoinPolicy.APPROVAL
    archived.save()
    with pytest.raises(MembershipError):
        membership_request(user=space["member"], community=space["community"], group=archived)
    with pytest.raises(MembershipError):
        invitation_create(
            community=space["community"], group=archived, email="new@example.org", by=space["coordinator"]
        )

    client.force_login(space["member"])
    response = client.post(reverse("communities:group_join", args=[space["community"].slug, archived.slug]))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=space["member"], group=archived).exists()


def test_the_community_page_marks_an_archived_group_and_offers_no_join_button(client, space, archived):
    client.force_login(space["member"])
    page = client.get(space["community"].get_absolute_url()).content.decode()
    join = reverse("communities:group_join", args=[space["community"].slug, archived.slug])
    other_join = reverse("communities:group_join", args=[space["community"].slug, space["other"].slug])

    assert "Archived" in page
    assert f'action="{join}"' not in page
    assert f'action="{other_join}"' in page
    assert archived in list(community_groups(community=space["community"]))  # still listed (and in reports)


def test_nothing_new_is_posted_into_an_archived_group(space, archived):
    from discussions.forms import ThreadForm
    from discussions.services import thread_start
    from knowledge.models import KnowledgeItem
    from knowledge.services import item_create
    from meetings.models import Meeting
    from meetings.selectors import schedulable_groups
    from meetings.services import meeting_schedule

    community, facilitator = space["community"], space["facilitator"]
    assert not permissions.can_post_in(facilitator, community, archived)
    assert not permissions.can_post_in(space["coordinator"], community, archived)
    assert not Group.objects.filter(pk__in=permissions.postable_group_ids(facilitator), pk=archived.pk).exists()
    assert archived not in ThreadForm(community=community, user=space["coordinator"]).fields["group"].queryset
    assert archived not in schedulable_groups(user=space["coordinator"], community=community)
    with pytest.raises(ValidationError):
        thread_start(community=community, by=facilitator, title="New", body="Text", group=archived)
    start = timezone.now() + timedelta(days=7)
    with pytest.raises(ValidationError) as caught:
        meeting_schedule(
            community=community,
            by=space["coordinator"],
            title="Kick-off",
            kind=Meeting.Kind.WORKSHOP,
            format=Meeting.Format.ONLINE,
            start=start,
            end=start + timedelta(hours=1),
            time_zone="Europe/Rome",
            online_url="https://meet.example.org/x",
            visibility=Meeting.Visibility.MEMBERS,
            group=archived,
        )
    assert caught.value.error_dict["group"][0].code == "archived_group"
    with pytest.raises(ValidationError) as caught:
        item_create(
            community=community,
            by=facilitator,
            kind=KnowledgeItem.Kind.GOOD_PRACTICE,
            title="Practice",
            group=archived,
        )
    assert "group" in caught.value.message_dict


def test_knowledge_already_in_an_archived_group_can_still_be_edited(space):
    from knowledge.models import KnowledgeItem
    from knowledge.services import item_create, item_update

    item = item_create(
        community=space["community"],
        by=space["facilitator"],
        kind=KnowledgeItem.Kind.GOOD_PRACTICE,
        title="Practice",
        group=space["team"],
    )
    group_archive(group=space["team"], by=space["coordinator"])
    item_update(item=item, by=space["facilitator"], title="Practice, revised", group=space["team"])
    item.refresh_from_db()
    assert item.title == "Practice, revised"


# --- Order -----------------------------------------------------------------------------------------------


def test_groups_sort_naturally_in_the_console_and_on_the_community_page(client, space):
    community = space["community"]
    for name in ["Team 10", "Team 3"]:
        GroupFactory(community=community, name=name)
    client.force_login(space["coordinator"])

    console = client.get(url(community, "manage_groups"))
    assert [g.name for g in console.context["groups"]] == ["Team 1", "Team 2", "Team 3", "Team 10"]
    home = client.get(community.get_absolute_url()).content.decode()
    assert home.index("Team 2") < home.index("Team 3") < home.index("Team 10")


def test_moving_a_group_renumbers_densely_and_a_repeat_changes_nothing(client, space):
    community = space["community"]
    last = GroupFactory(community=community, name="Team 10")
    client.force_login(space["coordinator"])

    client.post(group_url(last, "manage_group_move"), {"position": 1})
    client.post(group_url(last, "manage_group_move"), {"position": 1})  # the same button twice

    ordered = list(Group.objects.filter(community=community).in_order().values_list("name", "position"))
    assert ordered == [("Team 10", 1), ("Team 1", 2), ("Team 2", 3)]
    [event] = events(community, Action.GROUPS_REORDERED)
    assert event.changes == {"position": [3, 1]}

    page = client.get(url(community, "manage_groups")).content.decode()
    assert "Move down" in page and "Move up" in page
    response = client.post(group_url(last, "manage_group_move"), {"position": "first"})
    assert "Give the position as a whole number" in " ".join(messages_of(client.get(response["Location"])))


def test_a_move_past_the_end_puts_the_group_last(space):
    group_move(group=space["team"], by=space["coordinator"], position=99)
    assert list(Group.objects.filter(community=space["community"]).in_order().values_list("name", flat=True)) == [
        "Team 2",
        "Team 1",
    ]


# --- Facilitators ------------------------------------------------------------------------------------------


def test_a_coordinator_names_a_facilitator_who_then_manages_the_group(client, space):
    client.force_login(space["coordinator"])
    member, other = space["member"], space["other"]
    assert not permissions.can_manage(member, other)

    client.post(group_url(other, "manage_group_facilitator_add"), {"user": member.pk})
    client.post(group_url(other, "manage_group_facilitator_add"), {"user": member.pk})  # again: nothing more

    membership = Membership.objects.get(user=member, group=other)
    assert (membership.role, membership.status) == (Role.FACILITATOR, Membership.Status.ACTIVE)
    assert permissions.can_manage(member, other)  # guardian follows through permissions_sync
    [event] = events(space["community"], Action.FACILITATOR_NAMED)
    assert event.target == "Mia Member"
    assert event.changes == {"role": ["", "facilitator"]}
    client.force_login(member)
    assert client.get(group_url(other, "manage_group_edit")).status_code == 200


def test_a_member_of_the_group_is_raised_to_facilitator(space):
    make_member(space["community"], space["member"], group=space["other"])
    facilitator_name(group=space["other"], user=space["member"], by=space["coordinator"])
    [event] = events(space["community"], Action.FACILITATOR_NAMED)
    assert event.changes == {"role": ["member", "facilitator"]}


def test_only_active_members_of_the_community_can_be_named(client, space):
    with pytest.raises(GroupError) as caught:
        facilitator_name(group=space["other"], user=space["outsider"], by=space["coordinator"])
    assert caught.value.code == "not_member"
    client.force_login(space["coordinator"])
    response = client.post(group_url(space["other"], "manage_group_facilitator_add"), {"user": space["outsider"].pk})
    assert "Choose an active member of the community." in messages_of(client.get(response["Location"]))
    assert not Membership.objects.filter(user=space["outsider"]).exists()
    assert events(space["community"]) == []


def test_ending_a_facilitator_role_keeps_them_a_member_and_ends_their_rights(client, space):
    client.force_login(space["coordinator"])
    team, facilitator = space["team"], space["facilitator"]
    end = url(space["community"], "manage_group_facilitator_end", group_slug=team.slug, user_id=facilitator.pk)

    assert client.post(end).status_code == 302
    assert client.post(end).status_code == 404  # no longer a facilitator: nothing to end

    membership = Membership.objects.get(user=facilitator, group=team)
    assert (membership.role, membership.status) == (Role.MEMBER, Membership.Status.ACTIVE)
    assert not permissions.can_manage(facilitator, team)
    assert len(events(space["community"], Action.FACILITATOR_REMOVED)) == 1
    assert facilitator_remove(group=team, user=facilitator, by=space["coordinator"]) is None


# --- Query counts ------------------------------------------------------------------------------------------


def _list_queries(client, community) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(community, "manage_groups")).status_code == 200
    return len(queries)


def test_the_groups_list_runs_the_same_number_of_queries_with_more_groups(client, django_assert_max_num_queries):
    small, large = CommunityFactory(), CommunityFactory()
    coordinator = UserFactory()
    for community, count in ((small, 2), (large, 12)):
        make_member(community, coordinator, role=Role.COORDINATOR)
        for number in range(count):
            group = GroupFactory(community=community, name=f"Team {number}")
            make_member(community, group=group, role=Role.FACILITATOR)
        group_archive(group=group, by=coordinator)
    client.force_login(coordinator)
    _list_queries(client, small)  # warm up the session and content types

    expected = _list_queries(client, small)
    with django_assert_max_num_queries(expected):
        client.get(url(large, "manage_groups"))


# --- Admin ---------------------------------------------------------------------------------------------------


def test_the_admin_archives_and_restores_through_the_services(client, space):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    changelist = reverse("admin:communities_group_changelist")
    team = space["team"]

    client.post(changelist, {"action": "archive_groups", "_selected_action": [team.pk]})
    team.refresh_from_db()
    assert team.is_archived
    [event] = events(space["community"], Action.GROUP_ARCHIVED)
    assert event.actor == admin

    client.post(changelist, {"action": "restore_groups", "_selected_action": [team.pk]})
    team.refresh_from_db()
    assert not team.is_archived
    assert len(events(space["community"], Action.GROUP_RESTORED)) == 1


def test_reports_keep_counting_an_archived_group(space, archived):
    from cop_portal.reports.periods import Period
    from cop_portal.reports.selectors import Report

    table = Report(community=space["community"], period=Period()).groups_by_kind()

    assert table.total.values[-1] == 2  # Team 1 (archived) and Team 2
    assert [name for _pk, name, _slug in Report(community=space["community"], period=Period()).groups] == [
        "Team 1",
        "Team 2",
    ]
