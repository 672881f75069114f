"""Issue 15: the batches of one digest run read each period's capped lists once (shared.py) and each
person's digest keeps only what the scoped querysets let them see, whatever the shared lists hold."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from communities.models import Community, Group, MembershipEvent
from cop_portal.digests import build_batch, build_digests, shared
from knowledge.models import Follow, KnowledgeItem
from knowledge.services import answer_create, follow
from members.models import EmailLedger, User
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory
from tests.notifications.test_digests import monday, share  # noqa: F401

# The queries that read a period's lists: knowledge, themed knowledge, meetings, new members, answers.
_LISTS = (
    'FROM "knowledge_knowledgeitem"',
    'FROM "meetings_meeting"',
    'FROM "communities_membershipevent"',
    'FROM "knowledge_answer"',
)


def _list_reads(captured) -> int:
    return sum(
        1
        for query in captured.captured_queries
        if "ROW_NUMBER()" in query["sql"] and any(table in query["sql"] for table in _LISTS)
    )


@pytest.fixture(autouse=True)
def _fresh_memo():
    shared._memo.clear()
    yield
    shared._memo.clear()


def _week_of_news(when, communities, author):
    for community in communities:
        share(community, author, f"Practice of {community.name}", themes=["water"])
        MeetingFactory(
            community=community,
            title=f"Meeting of {community.name}",
            start=when + timedelta(days=5),
            end=when + timedelta(days=5, hours=1),
        )


def test_two_batches_of_one_run_read_the_period_lists_once(db, monday):  # noqa: F811
    communities = [CommunityFactory(name=f"Run CoP {index}") for index in range(3)]
    author = make_member(communities[0])
    for community in communities[1:]:
        make_member(community, author)
    people = [
        make_member(communities[index % 3], UserFactory(time_zone="Europe/Rome")) for index in range(12)
    ]  # one period
    _week_of_news(monday, communities, author)
    follow(user=people[0], theme=Tag.objects.get(name="water"))
    question = share(
        communities[1],
        people[1],
        "A question",
        kind=KnowledgeItem.Kind.QUESTION,
        visibility=KnowledgeItem.Visibility.PUBLIC,
    )
    answer_create(item=question, by=author, body="An answer.")
    follow(user=people[8], item=question)
    first, second = [p.pk for p in people[:6]], [p.pk for p in people[6:]]

    with CaptureQueriesContext(connection) as one:
        build_batch(user_ids=first, now=monday, run="run-a")
    with CaptureQueriesContext(connection) as two:
        build_batch(user_ids=second, now=monday, run="run-a")
    assert _list_reads(one) == 5, "the first batch reads the period's lists"
    assert _list_reads(two) == 0, "the second batch of the run reads none of them"
    assert len(two) == len(one) - 5

    shared._memo.clear()  # another worker process: the lists come from the cache
    with CaptureQueriesContext(connection) as other:
        build_batch(user_ids=second, now=monday, run="run-a")
    assert _list_reads(other) == 0
    with CaptureQueriesContext(connection) as next_run:
        build_batch(user_ids=second, now=monday, run="run-b")
    assert _list_reads(next_run) == 5, "a new run reads the lists of its own time"

    # The shared lists give each person exactly the digest a lone batch reads for them.
    users = list(User.objects.filter(pk__in=first + second).order_by("pk"))
    lone = {d.user.pk: d.payload() for d in build_digests(users, now=monday)}
    run = {d.user.pk: d.payload() for d in build_digests(users, now=monday, shared=shared.for_run("run-a", monday))}
    assert run == lone
    assert all(payload["knowledge"] and payload["meetings"] for payload in run.values())
    answered = {pk for pk, payload in run.items() if payload["answers"]}
    assert answered == {people[1].pk, people[8].pk}, "who asked and who follows the question"


def test_the_run_lists_expire_and_are_not_cached_past_their_size_limit(db, monday, monkeypatch):  # noqa: F811
    community = CommunityFactory()
    author, reader = make_member(community), make_member(community, UserFactory(time_zone="Europe/Rome"))
    _week_of_news(monday, [community], author)
    kept = {}
    monkeypatch.setattr(shared.cache, "set", lambda key, value, timeout: kept.update({key: (len(value), timeout)}))

    build_batch(user_ids=[reader.pk], now=monday, run="run-a")
    ((size, timeout),) = kept.values()
    assert timeout == shared.RUN_TTL and 0 < size <= shared.MAX_CACHED_BYTES

    kept.clear()
    shared._memo.clear()
    monkeypatch.setattr(shared, "MAX_CACHED_BYTES", size - 1)
    build_batch(user_ids=[reader.pk], now=monday, run="run-b")
    assert kept == {}, "lists over the limit stay in the process"
    assert list(shared._memo.values())[0].knowledge, "and the batch is built from them all the same"


def test_a_retried_batch_of_a_run_sends_each_digest_once(db, monday, django_capture_on_commit_callbacks):  # noqa: F811
    community = CommunityFactory()
    author = make_member(community)
    readers = [make_member(community, UserFactory(time_zone="Europe/Rome")) for _ in range(3)]
    _week_of_news(monday, [community], author)
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            build_batch(user_ids=[r.pk for r in readers], now=monday, run="run-a")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    assert EmailLedger.objects.filter(kind="digest", status=EmailLedger.Status.SENT).count() == 3


def test_a_person_never_gets_what_the_shared_lists_hold_for_others(db, monday):  # noqa: F811
    open_cop = CommunityFactory(name="Open CoP", visibility=Community.Visibility.PUBLIC)
    closed_cop = CommunityFactory(name="Closed CoP", visibility=Community.Visibility.MEMBERS)
    elsewhere = CommunityFactory(name="Elsewhere CoP")
    team = GroupFactory(community=open_cop, name="Open team")
    cabinet = GroupFactory(community=open_cop, name="Cabinet", visibility=Group.Visibility.PRIVATE)
    insider = make_member(open_cop, UserFactory(time_zone="Europe/Rome"))
    for place in (closed_cop,):
        make_member(place, insider)
    for group in (team, cabinet):
        make_member(open_cop, insider, group=group)
    author = make_member(open_cop)
    make_member(closed_cop, author)
    for group in (team, cabinet):
        make_member(open_cop, author, group=group)
    public = KnowledgeItem.Visibility.PUBLIC
    titles = {
        "Open public": {"community": open_cop, "visibility": public},
        "Open members only": {"community": open_cop, "visibility": KnowledgeItem.Visibility.COMMUNITY},
        "Team public": {"community": open_cop, "group": team, "visibility": public},
        "Team only": {"community": open_cop, "group": team, "visibility": KnowledgeItem.Visibility.GROUP},
        "Cabinet public": {"community": open_cop, "group": cabinet, "visibility": public},
        "Closed public": {"community": closed_cop, "visibility": public},
    }
    for title, where in titles.items():
        share(where.pop("community"), author, title, themes=["water"], **where)
    MeetingFactory(
        community=closed_cop, title="Closed meeting", start=monday + timedelta(days=4), end=monday + timedelta(days=5)
    )
    MeetingFactory(
        community=open_cop,
        group=cabinet,
        title="Cabinet meeting",
        start=monday + timedelta(days=4),
        end=monday + timedelta(days=5),
    )
    newcomer = make_member(closed_cop, UserFactory(full_name="New Closed Member"))
    assert MembershipEvent.objects.filter(membership__user=newcomer, created_at__lte=timezone.now()).exists()

    # The outsider belongs elsewhere and follows the theme of every item and the open team.
    outsider = make_member(elsewhere, UserFactory(time_zone="Europe/Rome"))
    follow(user=outsider, theme=Tag.objects.get(name="water"))
    Follow.objects.create(user=outsider, group=team)

    lists = shared.for_run("run-a", monday)
    (inside,) = build_digests([insider], now=monday, shared=lists)
    (outside,) = build_digests([outsider], now=monday, shared=lists)

    (candidates,) = shared._memo.values()  # one period, read once, holding every entry
    held = {item.title for rows, _total in candidates.knowledge.values() for item in rows}
    assert held == set(titles)
    held_meetings = {m.title for found in candidates.meetings.values() for m in found}
    assert held_meetings == {"Closed meeting", "Cabinet meeting"}
    held_members = {e.membership.user.full_name for found in candidates.joined.values() for e in found}
    assert "New Closed Member" in held_members

    assert {item.title for item in inside.knowledge} == set(titles)
    assert {m.title for m in inside.meetings} == {"Closed meeting", "Cabinet meeting"}
    assert "New Closed Member" in {m.user.full_name for m in inside.members}

    # What the scoped querysets let the outsider see, and nothing else.
    visible = KnowledgeItem.objects.visible_to(outsider).filter(title__in=titles)
    assert {item.title for item in outside.knowledge} == {item.title for item in visible}
    assert {item.title for item in outside.knowledge} == {"Open public", "Team public"}
    assert outside.meetings == [] and outside.members == []
