"""Demo discussions: living threads in each launch community, one announcement each, idempotent.

The first seed emails each post to the demo people in "every post" mode, with their Reply-To (what the
console of `make run` shows); announcements stay unsent; a second seed sends nothing.
"""

import pytest
from django.core import mail

from discussions.demo import EVERY_POST_PEOPLE, THREADS, seed_discussions
from discussions.models import Announcement, DeliveryMode, DiscussionPreference, Post, Thread
from members.models import EmailLedger, OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_data):
    # seed_demo has seeded the discussions once for the session; a second seeding reports the baseline.
    mail.outbox.clear()
    return seed_discussions()


def test_rebuild_coordination_teams_talk_in_english_and_arabic(seeded):
    threads = Thread.objects.filter(community__slug="rebuild")
    assert threads.filter(group__kind="coordination").count() >= 2
    meeting = threads.get(title__startswith="Monthly partnership meeting")
    assert "Tripoli" in meeting.title and meeting.group.slug == "coordination-team-1"
    assert meeting.posts.filter(language="ar").exists() and meeting.posts.filter(language="en").exists()
    assert threads.filter(language="ar").count() >= 2
    assert meeting.reply_count == meeting.posts.count() - 1 >= 2


def test_a_step_local_administrator_asks_and_others_answer(seeded):
    question = Thread.objects.get(community__slug="er-step", title__icontains="co-progettazione")
    assert question.created_by.email == "paolo.galli@cop.demo"
    answerers = set(question.posts.exclude(author=question.created_by).values_list("author__email", flat=True))
    assert len(answerers) >= 2


def test_capitale_naturale_compares_solutions_and_multiply_organises_an_exchange(seeded):
    compare = Thread.objects.get(community__slug="capitale-naturale", title__icontains="criticità")
    assert compare.posts.count() >= 3 and "Punti di forza" in compare.posts.first().body
    exchange = Thread.objects.get(community__slug="multiply", title__icontains="On the Road Cities")
    assert "Multiply City" in exchange.posts.first().body
    assert exchange.posts.count() >= 3


def test_each_community_has_one_announcement_and_nobody_was_emailed_about_them(seeded):
    for slug in ("rebuild", "capitale-naturale", "con-i-bambini", "er-step", "multiply"):
        assert Announcement.objects.filter(community__slug=slug).count() == 1, slug
    assert not OutboxMessage.objects.filter(task_name="discussions.send_announcement").exists()
    assert not EmailLedger.objects.filter(key__startswith="announcement:").exists()


def test_first_seed_emails_the_posts_to_the_every_post_people_with_their_reply_to(
    seeded, django_capture_on_commit_callbacks
):
    # The session's seed is committed: take its threads away (rolled back after the test) to seed afresh.
    Thread.objects.filter(title__in=[spec.title for spec in THREADS]).delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        seed_discussions()
    every_post = {email for _slug, email in EVERY_POST_PEOPLE}
    assert DiscussionPreference.objects.filter(user__email__in=every_post, mode=DeliveryMode.EVERY_POST).count() == 3
    received = {message.to[0] for message in mail.outbox}
    assert received == every_post  # everyone else stays in the digest: no email
    for message in mail.outbox:
        assert message.reply_to == [] and message.extra_headers["Reply-To"].startswith("reply+")
    posts = {message.extra_headers["Message-ID"] for message in mail.outbox}
    assert len(posts) >= 6  # several posts went out, each once per person
    assert len({(m.to[0], m.extra_headers["Message-ID"]) for m in mail.outbox}) == len(mail.outbox)
    # The local administrator who asked gets the answers of the others in Italian, not his own posts.
    to_paolo = [m for m in mail.outbox if m.to == ["paolo.galli@cop.demo"]]
    assert to_paolo and all("co-progettazione" in m.subject for m in to_paolo)
    assert all(m.extra_headers["Content-Language"] == "it" for m in to_paolo)
    assert not OutboxMessage.objects.filter(task_name="discussions.send_announcement").exists()


def test_posts_are_spread_over_the_last_days_in_order(seeded):
    for thread in Thread.objects.filter(community__slug="er-step"):
        moments = list(thread.posts.values_list("created_at", flat=True))
        assert moments == sorted(moments) and len(set(moments)) == len(moments)
        assert thread.last_post_at == moments[-1]


def test_seeding_twice_adds_nothing_and_sends_nothing(seeded, django_capture_on_commit_callbacks):
    posts = Post.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = seed_discussions()
    assert again == seeded and Post.objects.count() == posts
    assert again["threads"] >= 6 and again["announcements"] == 5
    assert mail.outbox == []
    assert DiscussionPreference.objects.filter(user__email__in={e for _s, e in EVERY_POST_PEOPLE}).count() == 3
