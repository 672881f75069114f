"""The tenant core: communities resolved once per request, scoped querysets, roles as object permissions."""

import pytest
from django.test import override_settings

from communities.models import Community, Membership
from communities.services import membership_grant
from members.models import User
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member


def test_an_unknown_community_is_404(client, db):
    assert client.get("/c/no-such-community/").status_code == 404


def test_a_hidden_community_is_404_to_outsiders_and_open_to_its_members(client, db):
    hidden = CommunityFactory(slug="hidden-cop", visibility=Community.Visibility.HIDDEN)
    member = make_member(hidden)
    assert client.get("/c/hidden-cop/").status_code == 404
    client.force_login(UserFactory())
    assert client.get("/c/hidden-cop/").status_code == 404
    client.force_login(member)
    assert client.get("/c/hidden-cop/").status_code == 200


def test_a_members_only_community_shows_outsiders_its_card_but_not_its_groups(client, db):
    community = CommunityFactory(
        slug="closed-cop", visibility=Community.Visibility.MEMBERS, tagline="Closed but listed"
    )
    GroupFactory(community=community, name="Inner working group")
    member = make_member(community)
    body = client.get("/c/closed-cop/").content.decode()
    assert "Closed but listed" in body
    assert "Inner working group" not in body
    client.force_login(member)
    assert "Inner working group" in client.get("/c/closed-cop/").content.decode()


def test_the_middleware_sets_request_community(client, db):
    community = CommunityFactory(slug="public-one")
    response = client.get("/c/public-one/")
    assert response.wsgi_request.community == community


@override_settings(ALLOWED_HOSTS=["cop.rebuild.test", "testserver"])
def test_a_community_on_its_own_host_name_is_served_at_the_root(client, db):
    CommunityFactory(slug="rebuild", name="REBUILD", domain="cop.rebuild.test", tagline="Own host tagline")
    CommunityFactory(slug="other", name="Other")
    response = client.get("/", HTTP_HOST="cop.rebuild.test")
    assert response.status_code == 200
    assert response.wsgi_request.community.slug == "rebuild"
    assert "Own host tagline" in response.content.decode()
    # Portal-wide paths keep working on that host.
    assert client.get("/accounts/login/", HTTP_HOST="cop.rebuild.test").status_code == 200
    # So is the inbound mail webhook (it refuses a request without its secret; it is not a 404).
    assert client.post("/inbound/email/", HTTP_HOST="cop.rebuild.test").status_code == 403
    # The ordinary host still shows the directory.
    assert "Other" in client.get("/").content.decode()


def test_directory_lists_public_and_members_only_but_not_hidden(client, db):
    CommunityFactory(name="Visible public")
    CommunityFactory(name="Visible closed", visibility=Community.Visibility.MEMBERS)
    hidden = CommunityFactory(name="Invisible hidden", visibility=Community.Visibility.HIDDEN)
    body = client.get("/").content.decode()
    assert "Visible public" in body and "Visible closed" in body
    assert "Invisible hidden" not in body
    client.force_login(make_member(hidden))
    assert "Invisible hidden" in client.get("/").content.decode()


def test_content_visibility_follows_active_membership_only(db):
    community = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    person = UserFactory()
    Membership.objects.create(user=person, community=community, status=Membership.Status.PENDING)
    assert not Community.objects.content_visible_to(person).filter(pk=community.pk).exists()
    membership_grant(user=person, community=community)
    assert Community.objects.content_visible_to(person).filter(pk=community.pk).exists()


def test_a_coordinator_holds_the_manage_permission_and_loses_it_on_the_next_request(db):
    community = CommunityFactory()
    group = GroupFactory(community=community)
    person = make_member(community, role=Membership.Role.COORDINATOR)
    fresh = User.objects.get(pk=person.pk)  # a new request loads the user afresh
    assert fresh.has_perm("communities.manage_community", community)
    assert fresh.has_perm("communities.manage_group", group)

    membership_grant(user=person, community=community, role=Membership.Role.MEMBER)
    fresh = User.objects.get(pk=person.pk)
    assert not fresh.has_perm("communities.manage_community", community)
    assert not fresh.has_perm("communities.manage_group", group)


def test_a_facilitator_manages_their_group_only(db):
    community = CommunityFactory()
    mine, other = GroupFactory(community=community), GroupFactory(community=community)
    person = make_member(community)
    membership_grant(user=person, community=community, group=mine, role=Membership.Role.FACILITATOR)
    fresh = User.objects.get(pk=person.pk)
    assert fresh.has_perm("communities.manage_group", mine)
    assert not fresh.has_perm("communities.manage_group", other)
    assert not fresh.has_perm("communities.manage_community", community)


def test_a_group_from_another_community_cannot_be_granted(db):
    community, elsewhere = CommunityFactory(), CommunityFactory()
    with pytest.raises(ValueError):
        membership_grant(user=UserFactory(), community=community, group=GroupFactory(community=elsewhere))


def test_the_directory_runs_a_fixed_number_of_queries(client, db, django_assert_max_num_queries):
    def fill(count):
        for _ in range(count):
            community = CommunityFactory()
            GroupFactory(community=community)
            make_member(community)

    fill(5)
    with django_assert_max_num_queries(50) as few:
        client.get("/")
    fill(45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/").status_code == 200
