"""Digests: per person, in their morning, only what is new and still visible to them, built in batches."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from communities.models import Community, Membership
from communities.services import membership_leave, membership_request
from cop_portal import digests
from cop_portal.digests import DAILY, WEEKLY, build_digests, digest_send, dispatch, period_for
from knowledge.models import KnowledgeItem
from knowledge.services import answer_create, follow, item_create
from meetings import services as meeting_services
from members.models import EmailLedger
from members.notifications import notification_preferences_update
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.notifications.conftest import ROME, future_meeting, html_part


def next_monday_morning(now=None) -> datetime:
    """Return the first Monday 07:30 in Rome whose digest period contains now."""
    local = (now or timezone.now()).astimezone(ROME)
    days = (7 - local.weekday()) % 7
    if days == 0 and local.time() >= time(7):
        days = 7
    return datetime.combine(local.date() + timedelta(days=days), time(7, 30), tzinfo=ROME)


def set_digest(user, frequency, **extra):
    notification_preferences_update(
        user=user,
        reminders_enabled=True,
        reminder_offsets=[1440, 60],
        digest_frequency=frequency,
        updates_enabled=True,
        **extra,
    )


def share(community, by, title, **kwargs):
    kwargs.setdefault("kind", KnowledgeItem.Kind.GOOD_PRACTICE)
    return item_create(community=community, by=by, title=title, publish=True, **kwargs)


@pytest.fixture
def monday():
    return next_monday_morning()


@pytest.fixture
def send_all(django_capture_on_commit_callbacks):
    """Run the dispatcher at a moment and every task it enqueues (eager), as a beat and a worker would."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return dispatch(now=now)

    return run


def test_the_weekly_digest_is_due_on_monday_morning_in_the_persons_own_zone(monday):
    sunday = monday - timedelta(days=1)
    assert period_for(frequency=WEEKLY, time_zone="Europe/Rome", now=sunday) is None
    assert period_for(frequency=WEEKLY, time_zone="Europe/Rome", now=monday - timedelta(minutes=31)) is None
    period = period_for(frequency=WEEKLY, time_zone="Europe/Rome", now=monday)
    assert period.start == (monday - timedelta(days=7, minutes=30)) and period.end == monday - timedelta(minutes=30)
    assert period.key.startswith("week-")
    # 06:30 in Rome is 07:30 in Tripoli (in winter): Tripoli's digest is due an hour earlier.
    early = monday - timedelta(hours=1)
    assert period_for(frequency=WEEKLY, time_zone="Europe/Rome", now=early) is None
    assert period_for(frequency=WEEKLY, time_zone="Africa/Tripoli", now=early) is not None
    daily = period_for(frequency=DAILY, time_zone="Europe/Rome", now=sunday)
    assert daily.key == f"day-{sunday.date().isoformat()}" and daily.end - daily.start == timedelta(days=1)


def test_a_weekly_digest_gathers_what_is_new_for_the_person(community, coordinator, monday, send_all):
    reader = make_member(community, UserFactory(full_name="Rita Reader", language="it"))
    author = make_member(community, UserFactory(full_name="Aldo Author"))
    share(community, author, "Flood plan lessons")
    question = item_create(
        community=community, by=reader, kind=KnowledgeItem.Kind.QUESTION, title="How to run a co-design?", publish=True
    )
    answer_create(item=question, by=author, body="Start with a walk.")
    share(community, reader, "My own practice")  # the reader's own item is not news to them
    meeting = future_meeting(community, days=20, title="Summer school")
    meeting.created_at = timezone.now()
    meeting.save()
    make_member(community, UserFactory(full_name="Nina Newcomer"))

    send_all(monday)

    (message,) = [m for m in mail.outbox if m.to == [reader.email]]
    body, html = message.body, html_part(message)
    for part in (body, html):
        assert "Flood plan lessons" in part
        assert "How to run a co-design?" in part  # the answer to their question
        assert "Summer school" in part
        assert "Nina Newcomer" in part
        assert "My own practice" not in part
    assert message.extra_headers["Content-Language"] == "it"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert EmailLedger.objects.get(user=reader, kind="digest").key.endswith(
        period_for(frequency=WEEKLY, time_zone=reader.time_zone, now=monday).key
    )


def test_coordinators_see_the_requests_waiting_for_them(db, monday, send_all):
    community = CommunityFactory(join_policy=Community.JoinPolicy.APPROVAL)
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    member = make_member(community)
    membership_request(user=UserFactory(full_name="Paolo Pending"), community=community)

    send_all(monday)

    (to_coordinator,) = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert "Paolo Pending" in to_coordinator.body
    assert f"/c/{community.slug}/manage/" in to_coordinator.body
    assert not [m for m in mail.outbox if m.to == [member.email] and "Paolo Pending" in m.body]


def test_nothing_new_sends_no_digest_and_records_the_skip_once(community, member, monday, send_all):
    send_all(monday)
    assert mail.outbox == []
    skipped = EmailLedger.objects.get(user=member, kind="digest")
    assert skipped.status == EmailLedger.Status.SKIPPED
    assert send_all(monday + timedelta(minutes=15)) == 0, "the next run does not rebuild a skipped period"


def test_the_dispatcher_running_twice_sends_one_digest(community, member, monday, send_all):
    share(community, make_member(community), "Peer review of energy plans")
    send_all(monday)
    send_all(monday)
    send_all(monday + timedelta(hours=2))
    assert len([m for m in mail.outbox if m.to == [member.email]]) == 1
    digests.send_digest.delay(  # a duplicated send task sends nothing more
        member.pk,
        WEEKLY,
        period_for(frequency=WEEKLY, time_zone=member.time_zone, now=monday).key,
        monday.isoformat(),
        monday.isoformat(),
        {"knowledge": list(KnowledgeItem.objects.values_list("pk", flat=True))},
    )
    assert len([m for m in mail.outbox if m.to == [member.email]]) == 1


def test_never_and_daily_are_respected(community, monday, send_all):
    never, daily = make_member(community), make_member(community)
    set_digest(never, "never")
    set_digest(daily, "daily")
    item = share(community, make_member(community), "Tool: stakeholder map")
    tuesday = monday + timedelta(days=1)
    # Published on Monday afternoon: inside the daily period that ends on Tuesday morning.
    KnowledgeItem.objects.filter(pk=item.pk).update(published_at=monday + timedelta(hours=6))

    send_all(tuesday)  # no weekly on Tuesday; the daily person gets theirs

    assert [m.to for m in mail.outbox] == [[daily.email]]


def test_muted_communities_and_groups_and_hidden_items_stay_out(db, monday, send_all):
    loud, muted = CommunityFactory(name="Loud CoP"), CommunityFactory(name="Muted CoP")
    group = GroupFactory(community=loud, name="Water team")
    other_group = GroupFactory(community=loud, name="Closed team")
    reader = make_member(loud)
    make_member(muted, reader)
    make_member(loud, reader, group=group)
    author = make_member(loud)
    make_member(muted, author)
    make_member(loud, author, group=group)
    make_member(loud, author, group=other_group)
    share(loud, author, "Visible practice")
    share(loud, author, "Group practice", group=group, visibility=KnowledgeItem.Visibility.GROUP)
    share(loud, author, "Closed group practice", group=other_group, visibility=KnowledgeItem.Visibility.GROUP)
    share(muted, author, "Practice of a muted community")
    set_digest(reader, "weekly", muted_communities=[muted.pk])

    send_all(monday)
    (message,) = [m for m in mail.outbox if m.to == [reader.email]]
    assert "Visible practice" in message.body and "Group practice" in message.body
    assert "Closed group practice" not in message.body, "an item of a group they are not in"
    assert "Practice of a muted community" not in message.body

    mail.outbox.clear()
    EmailLedger.objects.all().delete()
    set_digest(reader, "weekly", muted_groups=[group.pk])
    send_all(monday)
    (message,) = [m for m in mail.outbox if m.to == [reader.email]]
    assert "Group practice" not in message.body.replace("Closed group practice", "")
    assert "Practice of a muted community" in message.body


def test_a_followed_theme_brings_public_knowledge_from_another_community(db, monday, send_all):
    from taggit.models import Tag

    home, elsewhere = CommunityFactory(), CommunityFactory(visibility=Community.Visibility.PUBLIC)
    reader = make_member(home)
    author = make_member(elsewhere)
    share(elsewhere, author, "Nature-based solutions", visibility=KnowledgeItem.Visibility.PUBLIC, themes=["nbs"])
    share(elsewhere, author, "Members-only NBS", visibility=KnowledgeItem.Visibility.COMMUNITY, themes=["nbs"])
    follow(user=reader, theme=Tag.objects.get(name="nbs"))

    send_all(monday)

    (message,) = [m for m in mail.outbox if m.to == [reader.email]]
    assert "Nature-based solutions" in message.body
    assert "Members-only NBS" not in message.body


def test_a_person_who_leaves_a_community_gets_nothing_more_from_it(db, monday, send_all):
    kept, left = CommunityFactory(name="Kept CoP"), CommunityFactory(name="Left CoP")
    reader = make_member(kept)
    make_member(left, reader)
    author = make_member(kept)
    make_member(left, author)
    share(kept, author, "Kept practice")
    share(left, author, "Left practice", visibility=KnowledgeItem.Visibility.PUBLIC)
    meeting = future_meeting(left, days=15, title="Left meeting")
    meeting.created_at = timezone.now()
    meeting.save()

    membership_leave(user=reader, community=left)
    send_all(monday)

    (message,) = [m for m in mail.outbox if m.to == [reader.email]]
    assert "Kept practice" in message.body
    assert "Left practice" not in message.body and "Left meeting" not in message.body
    assert "Left CoP" not in message.body


def test_what_the_person_may_no_longer_see_when_it_is_sent_is_left_out(community, monday):
    reader, author = make_member(community), make_member(community)
    group = GroupFactory(community=community)
    make_member(community, author, group=group)
    kept = share(community, author, "Still visible")
    hidden = share(community, author, "Moved to a group later")
    (digest,) = [d for d in build_digests([reader], now=monday) if d.user == reader]
    assert {item.title for item in digest.knowledge} == {"Still visible", "Moved to a group later"}

    # Between the build and the send, the item becomes group-only.
    KnowledgeItem.objects.filter(pk=hidden.pk).update(visibility=KnowledgeItem.Visibility.GROUP, group=group)
    digest_send(user_id=reader.pk, period=digest.period, payload=digest.payload())

    (message,) = mail.outbox
    assert kept.title in message.body and hidden.title not in message.body


def test_leaving_between_the_build_and_the_send_drops_that_community(db, monday):
    left = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    reader, author = make_member(left), make_member(left)
    share(left, author, "Public but from a community I left", visibility=KnowledgeItem.Visibility.PUBLIC)
    (digest,) = build_digests([reader], now=monday)
    assert digest.knowledge

    membership_leave(user=reader, community=left)
    assert digest_send(user_id=reader.pk, period=digest.period, payload=digest.payload()) is False

    assert mail.outbox == []
    assert EmailLedger.objects.get(user=reader, kind="digest").status == EmailLedger.Status.SKIPPED


def _batch(size, communities, monday):
    from members.models import User

    people = []
    for index in range(size):
        community = communities[index % len(communities)]
        person = make_member(community, UserFactory(time_zone="Europe/Rome" if index % 2 else "Africa/Tripoli"))
        people.append(person)
    return list(User.objects.filter(pk__in=[p.pk for p in people]))


def test_a_batch_is_built_with_the_same_number_of_queries_for_5_or_50_people(
    db, monday, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from taggit.models import Tag

    communities = [CommunityFactory() for _ in range(3)]
    group = GroupFactory(community=communities[0])
    authors = [make_member(c) for c in communities]
    for community, author in zip(communities, authors, strict=True):
        make_member(community, author, group=group) if community == communities[0] else None
        share(community, author, f"Practice of {community.name}", themes=["mobility"])
        share(community, author, f"Question of {community.name}", kind=KnowledgeItem.Kind.QUESTION)
        future_meeting(community, days=9, created_at=timezone.now())
    share(communities[0], authors[0], "Group item", group=group, visibility=KnowledgeItem.Visibility.GROUP)
    coordinator = make_member(communities[0], role=Membership.Role.COORDINATOR)
    # Both batches hold a coordinator and people following a theme and a group: the same kinds of
    # data, five or fifty people.
    small = [*_batch(4, communities, monday), coordinator]
    large = [*_batch(49, communities, monday), coordinator]
    for person in (small[0], large[0], large[1]):
        follow(user=person, theme=Tag.objects.get(name="mobility"))
        follow(user=person, group=group)
    group.join_policy = Community.JoinPolicy.APPROVAL
    group.save()
    membership_request(user=UserFactory(), community=communities[0], group=group)

    # 12: one of them reads the batch's discussion subscriptions (cop_portal/digests/discussions.py).
    with django_assert_num_queries(12):
        small_digests = build_digests(small, now=monday)
    with django_assert_num_queries(12):
        large_digests = build_digests(large, now=monday)

    assert len(small_digests) == 5 and len(large_digests) == 50
    assert all(d.knowledge for d in large_digests), "every person got their communities' news"
    assert [d.requests for d in large_digests if d.user == coordinator][0], "the coordinator sees the request"


def test_meetings_already_registered_for_are_not_offered_again(community, member, monday, run_on_commit):
    offered = future_meeting(community, days=12, title="Open exchange", created_at=timezone.now())
    taken = future_meeting(community, days=12, title="Taken exchange", created_at=timezone.now())
    run_on_commit(meeting_services.registration_create, meeting=taken, user=member)
    (digest,) = build_digests([member], now=monday)
    assert digest.meetings == [offered]


def test_the_send_notifications_command_runs_both_dispatchers_once(
    community, member, monday, django_capture_on_commit_callbacks
):
    import io

    from django.core.management import CommandError, call_command

    share(community, make_member(community), "Shared on Wednesday")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notifications", now=monday.isoformat(), stdout=out)
    assert "Reminders enqueued: 0." in out.getvalue()
    assert [m.to for m in mail.outbox if "Shared on Wednesday" in m.body] == [[member.email]]
    with pytest.raises(CommandError):
        call_command("send_notifications", now="next monday")


def test_a_private_groups_items_and_meetings_stay_out_of_other_members_digests(db, monday):
    from communities.models import Group
    from meetings.models import Meeting
    from tests.meetings.factories import MeetingFactory

    community = CommunityFactory(name="Walled CoP")
    cabinet = GroupFactory(community=community, name="Cabinet", visibility=Group.Visibility.PRIVATE)
    reader, insider = make_member(community), make_member(community)
    make_member(community, insider, group=cabinet)
    share(community, insider, "Cabinet practice", group=cabinet, visibility=KnowledgeItem.Visibility.COMMUNITY)
    share(community, insider, "Open practice")
    MeetingFactory(
        community=community,
        group=cabinet,
        title="Cabinet meeting",
        start=monday + timedelta(days=3),
        end=monday + timedelta(days=3, hours=1),
        registration_policy=Meeting.RegistrationPolicy.OPEN,
    )
    digests = {d.user: d for d in build_digests([reader, insider], now=monday)}
    assert {item.title for item in digests[reader].knowledge} == {"Open practice"}
    assert not digests[reader].meetings
    assert [meeting.title for meeting in digests[insider].meetings] == ["Cabinet meeting"]


def test_the_split_monday_hour_is_recognised():
    """The notification tests step out of the hour when Tripoli's week has ended and Rome's has not."""
    from datetime import UTC

    from tests.notifications.conftest import in_the_split_monday_hour

    assert in_the_split_monday_hour(datetime(2026, 12, 7, 5, 30, tzinfo=UTC))  # 07:30 Tripoli, 06:30 Rome
    assert not in_the_split_monday_hour(datetime(2026, 12, 7, 4, 30, tzinfo=UTC))  # before 07:00 in both
    assert not in_the_split_monday_hour(datetime(2026, 12, 7, 6, 30, tzinfo=UTC))  # after 07:00 in both
    assert not in_the_split_monday_hour(datetime(2026, 12, 8, 5, 30, tzinfo=UTC))  # a Tuesday
    assert not in_the_split_monday_hour(datetime(2026, 7, 6, 5, 30, tzinfo=UTC))  # summer: the same clock
