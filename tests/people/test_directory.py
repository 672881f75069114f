"""The member directory of a community: who is listed, what of them is shown, search and paging."""

import pytest
from django.urls import reverse

from communities.models import Membership
from tests.factories import CommunityFactory, OrganizationFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def directory_url(community):
    return reverse("people:directory", kwargs={"community_slug": community.slug})


def profile_url(community, user):
    return reverse("people:member", kwargs={"community_slug": community.slug, "user_id": user.pk})


@pytest.fixture
def viewer(community):
    return make_member(community, UserFactory(full_name="Vera Viewer"))


def test_anonymous_visitor_is_sent_to_sign_in(client, community):
    response = client.get(directory_url(community))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_outsider_gets_404_even_for_a_public_community(client, community):
    client.force_login(UserFactory())
    assert client.get(directory_url(community)).status_code == 404


def test_pending_member_gets_404(client, community):
    user = UserFactory()
    Membership.objects.create(user=user, community=community, status=Membership.Status.PENDING)
    client.force_login(user)
    assert client.get(directory_url(community)).status_code == 404


def test_lists_members_of_this_community_only(client, community, viewer):
    make_member(community, UserFactory(full_name="Ada Inside"))
    other = CommunityFactory()
    make_member(other, UserFactory(full_name="Bruno Elsewhere"))
    Membership.objects.create(
        user=UserFactory(full_name="Carla Pending"), community=community, status=Membership.Status.PENDING
    )
    client.force_login(viewer)
    body = client.get(directory_url(community)).content.decode()
    assert "Ada Inside" in body
    assert "Bruno Elsewhere" not in body
    assert "Carla Pending" not in body


def test_unlisted_people_are_not_listed_but_see_themselves(client, community, viewer):
    hidden = make_member(community, UserFactory(full_name="Hidden Hannah", listed_in_directory=False))
    client.force_login(viewer)
    assert "Hidden Hannah" not in client.get(directory_url(community)).content.decode()
    assert client.get(profile_url(community, hidden)).status_code == 404
    client.force_login(hidden)
    body = client.get(directory_url(community)).content.decode()
    assert "Hidden Hannah" in body
    assert "Not listed: only you see this" in body


def test_shows_email_job_title_country_and_expertise_only_when_allowed(client, community, viewer):
    open_person = make_member(
        community,
        UserFactory(
            full_name="Open Olga",
            email="olga@example.org",
            job_title="Energy planner",
            country="DE",
            show_email=True,
            show_job_title=True,
            show_country=True,
            show_expertise=True,
        ),
    )
    open_person.expertise.set(["district heating"])
    private = make_member(
        community,
        UserFactory(
            full_name="Private Paolo",
            email="paolo@example.org",
            job_title="Mayor's advisor",
            country="LY",
            show_email=False,
            show_job_title=False,
            show_country=False,
            show_expertise=False,
        ),
    )
    private.expertise.set(["secret tag"])
    client.force_login(viewer)
    for url in (directory_url(community), profile_url(community, open_person), profile_url(community, private)):
        body = client.get(url).content.decode()
        assert "paolo@example.org" not in body
        assert "Mayor&#x27;s advisor" not in body and "Mayor's advisor" not in body
        assert "Libya" not in body
        assert "secret tag" not in body
    body = client.get(directory_url(community)).content.decode()
    assert "olga@example.org" in body
    assert "Energy planner" in body
    assert "Germany" in body
    assert "district heating" in body


def test_a_nameless_person_is_never_shown_by_email(client, community, viewer):
    make_member(community, UserFactory(full_name="", email="nameless@example.org", show_email=False))
    client.force_login(viewer)
    body = client.get(directory_url(community)).content.decode()
    assert "nameless@example.org" not in body
    assert "Unnamed member" in body


@pytest.fixture
def searchable(community, viewer):
    comune = OrganizationFactory(name="Comune di Ravenna")
    ada = make_member(community, UserFactory(full_name="Ada Lovelace", country="IT", organization=comune))
    ada.expertise.set(["energy planning", "peer review"])
    ben = make_member(community, UserFactory(full_name="Ben Okri", country="LY"))
    ben.expertise.set(["water services"])
    cat = make_member(community, UserFactory(full_name="Cat Stevens", country="LY", show_country=False))
    cat.expertise.set(["energy audits"])
    dan = make_member(community, UserFactory(full_name="Dan Brown", show_expertise=False))
    dan.expertise.set(["energy poverty"])
    return {"ada": ada, "ben": ben, "cat": cat, "dan": dan}


def _names(client, community, **params):
    response = client.get(directory_url(community), params)
    assert response.status_code == 200
    return {card.name for card in response.context["cards"]}


def test_search_by_name_and_organisation(client, community, viewer, searchable):
    client.force_login(viewer)
    assert _names(client, community, q="lovelace") == {"Ada Lovelace"}
    assert _names(client, community, q="Ravenna") == {"Ada Lovelace"}
    assert _names(client, community, q="ada ravenna") == {"Ada Lovelace"}


def test_search_by_expertise_ignores_hidden_expertise(client, community, viewer, searchable):
    client.force_login(viewer)
    assert _names(client, community, expertise="energy") == {"Ada Lovelace", "Cat Stevens"}
    assert _names(client, community, q="poverty") == set()


def test_filter_by_country_ignores_hidden_countries(client, community, viewer, searchable):
    client.force_login(viewer)
    assert _names(client, community, country="LY") == {"Ben Okri"}
    response = client.get(directory_url(community))
    choices = dict(response.context["form"].fields["country"].choices)
    assert "LY" in choices and "IT" in choices


def test_filter_by_role(client, community, viewer, searchable):
    make_member(community, UserFactory(full_name="Coco Coordinator"), role=Membership.Role.COORDINATOR)
    client.force_login(viewer)
    assert _names(client, community, role="coordinator") == {"Coco Coordinator"}


def test_an_unknown_country_gets_a_message_and_no_filter(client, community, viewer, searchable):
    client.force_login(viewer)
    response = client.get(directory_url(community), {"country": "XX"})
    assert response.status_code == 200
    assert response.context["form"].errors["country"]
    assert len(response.context["cards"]) == 5


def test_pages_of_24(client, community, viewer):
    for n in range(30):
        make_member(community, UserFactory(full_name=f"Person {n:02d}"))
    client.force_login(viewer)
    first = client.get(directory_url(community))
    assert len(first.context["cards"]) == 24
    assert first.context["page"].paginator.count == 31
    second = client.get(directory_url(community), {"page": 2, "q": "Person"})
    assert len(second.context["cards"]) == 6
    assert 'href="?q=Person&amp;page=1"' in second.content.decode()


def _fill(community, count):
    org = OrganizationFactory()
    for n in range(count):
        person = make_member(community, UserFactory(full_name=f"Member {n}", organization=org, country="IT"))
        person.expertise.set([f"topic {n % 7}", "shared topic"])


@pytest.mark.parametrize("params", [{}, {"q": "Member", "expertise": "topic", "country": "IT"}])
def test_directory_queries_stay_constant_as_members_grow(client, django_assert_num_queries, params):
    small = CommunityFactory(slug="small")
    large = CommunityFactory(slug="large")
    _fill(small, 5)
    _fill(large, 60)
    viewer = UserFactory()
    make_member(small, viewer)
    make_member(large, viewer)
    client.force_login(viewer)
    client.get(directory_url(small), params)  # warm caches (content types, session)
    with django_assert_num_queries(8) as small_ctx:  # with the header's unread discussions count (no host lookup)
        client.get(directory_url(small), params)
    with django_assert_num_queries(len(small_ctx.captured_queries)):
        client.get(directory_url(large), params)
