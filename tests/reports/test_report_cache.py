"""Issue 15: the report's tables are counted once and kept (the page says when), and counted again on demand."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory, make_member
from tests.meetings.factories import MeetingFactory


def url(community, name="reports:index"):
    return reverse(name, kwargs={"community_slug": community.slug})


def _held_meeting(community):
    past = timezone.now() - timedelta(days=3)
    return MeetingFactory(community=community, start=past, end=past + timedelta(hours=1))


def test_the_page_keeps_its_figures_says_when_they_were_counted_and_counts_again_on_request(client, cop, coordinator):
    client.force_login(coordinator)
    _held_meeting(cop)
    first = client.get(url(cop, "reports:index") + "?preset=all")
    assert "Figures counted from the portal's records at" in first.content.decode()
    assert "Count again now" in first.content.decode()
    csv_before = client.get(url(cop) + "?preset=all&format=csv&table=meetings-by-kind").content

    _held_meeting(cop)  # a write the kept tables do not know about yet
    assert client.get(url(cop) + "?preset=all&format=csv&table=meetings-by-kind").content == csv_before, (
        "the downloads read the kept tables, like the page"
    )

    response = client.post(reverse("reports:recount", kwargs={"community_slug": cop.slug}), {"preset": "all"})
    assert response.status_code == 302 and response["Location"].endswith("?preset=all")
    assert client.get(url(cop) + "?preset=all&format=csv&table=meetings-by-kind").content != csv_before


def test_only_coordinators_may_count_again_and_only_by_post(client, cop, coordinator):
    recount = reverse("reports:recount", kwargs={"community_slug": cop.slug})
    client.force_login(make_member(cop, UserFactory()))
    assert client.post(recount).status_code == 404
    client.force_login(coordinator)
    assert client.get(recount).status_code == 405
