"""seed_scale at a tiny scale: counts, search, isolation of a members-only community, a coordinator's console."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Group, Membership
from communities.permissions import can_manage
from cop_portal.scale import PREFIX, sizes
from discussions.models import Post, Thread
from knowledge.models import KnowledgeItem
from meetings.models import Meeting, Registration
from members.models import User

SCALE = 0.001

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_data):
    before = {
        "meetings": Meeting.objects.count(),
        "items": KnowledgeItem.objects.count(),
        "people": User.objects.count(),
    }
    out = io.StringIO()
    # The scale rows must never outlive the test (the demo copy is shared by later tests): an
    # explicit transaction rolled back after it, whatever state the test's own transaction is in.
    with transaction.atomic():
        call_command("seed_scale", scale=SCALE, seed=7, stdout=out)
        yield before, out.getvalue()
        transaction.set_rollback(True)


def test_seed_adds_the_planned_rows_on_top_of_the_demo(seeded):
    before, output = seeded
    size = sizes(SCALE)
    assert "Scale data ready" in output
    assert Meeting.objects.count() - before["meetings"] == size["meetings"]
    assert KnowledgeItem.objects.count() - before["items"] == size["items"]
    assert User.objects.count() - before["people"] == size["people"]
    assert Community.objects.filter(slug__startswith=PREFIX).count() >= 2
    assert Group.objects.filter(slug__startswith=PREFIX).count() >= size["groups"]
    # Registrations come close to the planned number (no one registers twice for a meeting).
    assert Registration.objects.count() >= size["registrations"] * 0.7
    assert Thread.objects.filter(last_post__isnull=False).count() == Thread.objects.count()
    assert Post.objects.count() >= Thread.objects.count()
    assert not KnowledgeItem.objects.filter(search_vector__isnull=True).exists()


def test_the_demo_member_and_coordinator_become_heavy_users(seeded):
    member = User.objects.get(email="member.rebuild@cop.demo")
    coordinator = User.objects.get(email="coordinator.rebuild@cop.demo")
    assert Membership.objects.active().filter(user=member, group__isnull=True).count() >= 3
    assert Membership.objects.active().filter(user=coordinator, group__isnull=False).exists()
    assert member.meeting_registrations.count() >= 20
    assert member.knowledge_follows.count() >= 10


def test_a_second_run_is_refused_and_changes_nothing(seeded):
    count = Meeting.objects.count()
    with pytest.raises(CommandError, match="already"):
        call_command("seed_scale", scale=SCALE, stdout=io.StringIO())
    assert Meeting.objects.count() == count


def test_search_finds_a_seeded_public_item(seeded, client):
    item = (
        KnowledgeItem.objects.filter(
            community__slug__startswith=PREFIX,
            community__visibility=Community.Visibility.PUBLIC,
            visibility=KnowledgeItem.Visibility.PUBLIC,
            status=KnowledgeItem.Status.PUBLISHED,
        )
        # An item of a private or members-only group is hidden from visitors, whatever its own visibility.
        .filter(Q(group__isnull=True) | Q(group__visibility=Group.Visibility.PUBLIC))
        .order_by("pk")
        .first()
    )
    # The item's whole title (every title ends with its own number), on the knowledge tab (the
    # overview shows the best 8 only). Which seeded item comes first depends on the rows the database
    # held before the seed; the first one used to be in a private group now and then (a flaky failure).
    response = client.get(reverse("search:index"), {"q": item.title, "type": "knowledge"})
    assert response.status_code == 200
    found = [(shown.pk, shown.title) for shown, _snippet in response.context["items"]]
    assert item.pk in [pk for pk, _title in found], (item.pk, item.title, found)


def test_a_members_only_seeded_community_keeps_its_content_from_an_outsider(seeded, client):
    closed = Community.objects.get(slug=f"{PREFIX}001")
    assert closed.visibility == Community.Visibility.MEMBERS
    item = KnowledgeItem.objects.filter(community=closed).first()
    meeting = Meeting.objects.filter(community=closed).first()
    outsider = User.objects.filter(email__startswith=PREFIX).exclude(memberships__community=closed).first()
    thread = Thread.objects.filter(community=closed).first()
    client.force_login(outsider)
    # A members-only community is listed and shows its door; nothing inside it.
    home = client.get(closed.get_absolute_url())
    assert home.status_code == 200
    assert item.title not in home.content.decode()
    for url in (item.get_absolute_url(), meeting.get_absolute_url(), thread.get_absolute_url()):
        assert client.get(url).status_code == 404, url


def test_the_seeded_coordinator_opens_their_console(seeded, client):
    community = Community.objects.get(slug=f"{PREFIX}000")
    coordinator = (
        Membership.objects.active().get(community=community, group__isnull=True, role=Membership.Role.COORDINATOR).user
    )
    assert can_manage(coordinator, community)
    assert all(can_manage(coordinator, group) for group in community.groups.all())
    client.force_login(coordinator)
    assert client.get(reverse("communities:manage", kwargs={"community_slug": community.slug})).status_code == 200


def test_no_item_is_published_after_the_day_the_seed_ran(demo_data, monkeypatch):
    """An item written on the run's day was "published" the next day: new in follows and digests before its date."""
    from cop_portal.scale import content

    original = content.seed_knowledge

    def written_at_the_last_moment(s):
        s.when = lambda days_before, days_after=0: s.now  # the latest moment the seed gives an item
        return original(s)

    monkeypatch.setattr(content, "seed_knowledge", written_at_the_last_moment)
    with transaction.atomic():
        call_command("seed_scale", scale=SCALE, seed=7, stdout=io.StringIO())
        assert KnowledgeItem.objects.filter(status=KnowledgeItem.Status.PUBLISHED, published_at__isnull=False).exists()
        assert not KnowledgeItem.objects.filter(published_at__gt=timezone.now()).exists()
        transaction.set_rollback(True)
