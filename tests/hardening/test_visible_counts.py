"""Issue 14, item 7 (second half): lists count and offer only what the viewer may see.

- The collections list counted every entry of a collection, also the items the viewer cannot
  open (drafts, group-only items), so the number hinted at hidden work.
- The meeting forms' host organisation select offered every organisation of the community's
  members, also a partner of a hidden community the organiser is not in.
"""

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import Community, Membership, PartnerRole, Partnership
from knowledge import services as knowledge_services
from knowledge.models import KnowledgeItem
from meetings.models import Meeting
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member
from tests.hardening.test_meeting_dates import meeting_post
from tests.knowledge.helpers import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def cop(db):
    return CommunityFactory(slug="counts-cop", name="Counts CoP")


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


# ---------------------------------------------------------------- collections list


def _collection_with_hidden_entries(cop):
    editor = make_member(cop, role=Membership.Role.COORDINATOR)
    group = GroupFactory(community=cop)
    collection = knowledge_services.collection_create(
        community=cop, by=editor, title="Quaderno", introduction="", visibility="community"
    )
    items = [
        make_item(cop, author=editor, title="Open one"),
        make_item(cop, author=editor, title="Open two"),
        make_item(cop, author=editor, title="A draft", published=False),
        make_item(cop, author=editor, title="Group only", visibility=KnowledgeItem.Visibility.GROUP, group=group),
    ]
    for item in items:
        knowledge_services.collection_add_item(collection=collection, item=item, by=editor)
    return collection, editor


def test_the_collections_list_counts_only_entries_the_viewer_can_see(browser, cop, private_files):
    _collection_with_hidden_entries(cop)
    browser.force_login(make_member(cop))  # not the draft's author, not in the group
    page = browser.get(reverse("knowledge:collections", args=[cop.slug])).content.decode()
    assert "2 items" in page
    assert "4 items" not in page and "3 items" not in page


def test_the_collections_list_keeps_a_constant_number_of_queries(
    browser, cop, private_files, django_assert_max_num_queries
):
    _collection_with_hidden_entries(cop)
    viewer = make_member(cop)
    browser.force_login(viewer)
    path = reverse("knowledge:collections", args=[cop.slug])
    browser.get(path)
    with django_assert_max_num_queries(30) as few:
        browser.get(path)
    for _ in range(3):
        _collection_with_hidden_entries(cop)
    with django_assert_max_num_queries(len(few.captured_queries)):
        browser.get(path)


# ---------------------------------------------------------------- host organisation of a meeting


@pytest.fixture
def organisations(cop):
    """A partner of cop (offered) and a partner of a hidden community whose employee is a member of cop."""
    hidden = CommunityFactory(slug="hidden-cop", visibility=Community.Visibility.HIDDEN)
    offered = OrganizationFactory(name="Comune di Offerto", is_verified=True)
    secret = OrganizationFactory(name="Partner Segreto", is_verified=True)
    for community, organization in ((cop, offered), (hidden, secret)):
        role = PartnerRole.objects.create(community=community, name="Partner")
        Partnership.objects.create(community=community, organization=organization, role=role)
    make_member(cop, UserFactory(organization=secret))
    return offered, secret


@pytest.fixture
def organiser(cop):
    return make_member(cop, role=Membership.Role.COORDINATOR)


def test_the_meeting_form_does_not_offer_a_hidden_communitys_partner(browser, cop, organiser, organisations):
    offered, secret = organisations
    browser.force_login(organiser)
    for name in ("create", "series_create"):
        page = browser.get(reverse(f"meetings:{name}", args=[cop.slug])).content.decode()
        assert offered.name in page
        assert secret.name not in page


def test_a_tampered_host_organisation_is_refused(browser, cop, organiser, organisations):
    offered, secret = organisations
    browser.force_login(organiser)
    path = reverse("meetings:create", args=[cop.slug])
    response = browser.post(path, meeting_post(host_organization=secret.pk))
    assert response.status_code == 200  # the form again, with an error
    assert response.context["form"].errors.get("host_organization")
    assert not Meeting.objects.filter(community=cop).exists()
    response = browser.post(path, meeting_post(host_organization=offered.pk))
    assert response.status_code == 302
    assert Meeting.objects.get(community=cop).host_organization == offered


def test_a_member_of_the_hidden_community_is_offered_its_partner(browser, cop, organiser, organisations):
    _offered, secret = organisations
    make_member(Community.objects.get(slug="hidden-cop"), organiser)
    browser.force_login(organiser)
    assert secret.name in browser.get(reverse("meetings:create", args=[cop.slug])).content.decode()
