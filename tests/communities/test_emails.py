"""Emails of the join flows: sent through Celery on commit, to the right people, in their language, once."""

from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail

from communities import tasks
from communities.models import Community, Membership, MembershipEvent
from communities.services import (
    invitation_create,
    invitation_resend,
    membership_approve,
    membership_change_role,
    membership_decline,
    membership_leave,
    membership_request,
)
from cop_portal.celery import app as celery_app
from members.notifications import send_templated_email
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db

Role = Membership.Role


def html_part(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def test_a_request_is_announced_on_commit_to_the_coordinators_only(
    approval_community, coordinator, person, django_capture_on_commit_callbacks
):
    make_member(approval_community)  # a plain member is not told

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        membership_request(user=person, community=approval_community, message="We run the pilot in Prova.")
        assert mail.outbox == [], "nothing is sent before the transaction commits"

    # One task handed to the broker on commit (the reports' staleness mark is the other callback).
    assert [callback.__qualname__ for callback in callbacks].count("enqueue.<locals>.<lambda>") == 1
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    message = mail.outbox[0]
    assert "Pat Person asks to join Approval CoP" in message.subject
    assert "We run the pilot in Prova." in message.body
    assert "/c/approval-cop/manage/" in message.body
    assert "/c/approval-cop/manage/" in html_part(message)


def test_a_group_request_also_reaches_the_groups_facilitators(
    approval_community, coordinator, approval_group, person, django_capture_on_commit_callbacks
):
    facilitator = make_member(approval_community, group=approval_group, role=Role.FACILITATOR)
    other_facilitator = make_member(approval_community, role=Role.FACILITATOR)  # of the community, not the group
    make_member(approval_community, person)

    with django_capture_on_commit_callbacks(execute=True):
        membership_request(user=person, community=approval_community, group=approval_group)

    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([coordinator.email, facilitator.email])
    assert other_facilitator.email not in recipients


def test_each_recipient_reads_the_email_in_their_own_language(
    approval_community, person, django_capture_on_commit_callbacks
):
    italian = make_member(approval_community, UserFactory(language="it"), role=Role.COORDINATOR)
    arabic = make_member(approval_community, UserFactory(language="ar"), role=Role.COORDINATOR)

    with django_capture_on_commit_callbacks(execute=True):
        membership_request(user=person, community=approval_community)

    by_recipient = {message.to[0]: message for message in mail.outbox}
    for user, language, direction in [(italian, "it", "ltr"), (arabic, "ar", "rtl")]:
        message = by_recipient[user.email]
        assert message.extra_headers["Content-Language"] == language
        # The HTML part is rendered with the recipient's language active ({% get_current_language %}).
        assert f'<html lang="{language}" dir="{direction}">' in html_part(message)


def test_the_requester_is_told_of_an_approval(
    approval_community, coordinator, person, django_capture_on_commit_callbacks
):
    person.language = "it"
    person.save()
    request = membership_request(user=person, community=approval_community)

    with django_capture_on_commit_callbacks(execute=True):
        membership_approve(membership=request, by=coordinator, reason="Benvenuta!")

    (message,) = mail.outbox
    assert message.to == [person.email]
    assert "Ti diamo il benvenuto in Approval CoP" in message.subject  # the subject is in her language
    assert "Benvenuta!" in message.body
    assert message.extra_headers["Content-Language"] == "it"


def test_the_requester_is_told_of_a_decline_with_its_reason(
    approval_community, coordinator, person, django_capture_on_commit_callbacks
):
    request = membership_request(user=person, community=approval_community)

    with django_capture_on_commit_callbacks(execute=True):
        membership_decline(membership=request, by=coordinator, reason="Only for partner municipalities")

    (message,) = mail.outbox
    assert message.to == [person.email]
    assert "was declined" in message.body
    assert "Only for partner municipalities" in message.body
    assert "Only for partner municipalities" in html_part(message)


def test_a_role_change_is_announced_to_the_member(approval_community, coordinator, django_capture_on_commit_callbacks):
    member = make_member(approval_community)

    with django_capture_on_commit_callbacks(execute=True):
        membership_change_role(membership=Membership.objects.get(user=member), role=Role.COORDINATOR, by=coordinator)

    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "Coordinator" in message.body and "Member" in message.body
    assert "Cora Coordinator" in message.body


def test_an_invitation_goes_to_the_invited_address_with_its_link(
    approval_community, coordinator, django_capture_on_commit_callbacks
):
    approval_community.default_language = "it"
    approval_community.save()

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            community=approval_community, email="new@example.org", by=coordinator, message="Join our pilot group"
        )

    (message,) = mail.outbox
    assert message.to == ["new@example.org"]
    assert "/invitations/" in message.body and "Join our pilot group" in message.body
    # No account yet: the community's language.
    assert message.extra_headers["Content-Language"] == "it"
    invitation.refresh_from_db()
    assert invitation.last_sent_at is not None


def test_an_invitation_to_an_existing_account_uses_its_language(
    approval_community, coordinator, django_capture_on_commit_callbacks
):
    UserFactory(email="amal@example.org", language="ar")

    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(community=approval_community, email="amal@example.org", by=coordinator)

    assert mail.outbox[0].extra_headers["Content-Language"] == "ar"


def test_a_double_submitted_invitation_sends_one_email(
    approval_community, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(community=approval_community, email="a@example.org", by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(community=approval_community, email="a@example.org", by=coordinator)
        invitation_resend(invitation=invitation, by=coordinator)

    assert len(mail.outbox) == 1


def test_a_task_run_twice_sends_once(approval_community, coordinator, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        request = membership_request(user=person, community=approval_community)
    event = request.events.get()

    tasks.notify_request_received(request.pk, event.pk)
    tasks.notify_request_received(request.pk, event.pk)

    assert len(mail.outbox) == 1


def test_a_withdrawn_request_sends_nothing_when_the_task_runs_late(
    approval_community, coordinator, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        request = membership_request(user=person, community=approval_community)
    membership_leave(user=person, community=approval_community)

    sent = tasks.notify_request_received(request.pk, request.events.get(action=MembershipEvent.Action.REQUESTED).pk)

    assert sent == 0 and mail.outbox == []


def test_a_revoked_invitation_is_not_sent_by_a_late_task(
    approval_community, coordinator, django_capture_on_commit_callbacks
):
    from communities.services import invitation_revoke

    with django_capture_on_commit_callbacks(execute=False):
        invitation = invitation_create(community=approval_community, email="a@example.org", by=coordinator)
    invitation_revoke(invitation=invitation, by=coordinator)

    assert tasks.send_invitation(invitation.pk, 1) is False
    assert mail.outbox == []


def test_a_failing_smtp_server_is_retried_and_the_email_sent_once(
    approval_community, coordinator, person, django_capture_on_commit_callbacks
):
    real_send = mail.EmailMultiAlternatives.send
    calls = {"count": 0}

    def flaky_send(self, *args, **kwargs):
        calls["count"] += 1
        if calls["count"] == 1:
            raise SMTPException("421 try again later")
        return real_send(self, *args, **kwargs)

    # Eager tasks re-run a retry at once when failures are not propagated (as a worker would, later).
    # Set the one key and put it back: mock.patch.dict would rewrite every key of Celery's
    # settings on exit and pin eager mode for later tests that use the real broker.
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    try:
        with (
            mock.patch.object(mail.EmailMultiAlternatives, "send", flaky_send),
            django_capture_on_commit_callbacks(execute=True),
        ):
            membership_request(user=person, community=approval_community)
    finally:
        celery_app.conf.task_eager_propagates = propagates

    assert calls["count"] == 2
    assert len(mail.outbox) == 1


def test_the_tasks_retry_smtp_failures_with_backoff():
    for task in [
        tasks.notify_request_received,
        tasks.notify_decision,
        tasks.notify_role_changed,
        tasks.send_invitation,
    ]:
        assert SMTPException in task.autoretry_for
        assert task.retry_backoff and task.max_retries == 5


def test_the_sender_sends_a_plain_text_and_an_html_part_in_the_given_language(db):
    community = Community(name="Rete", slug="rete")
    membership = Membership(community=community, role=Role.MEMBER)
    recipient = UserFactory(full_name="Ann Example")

    send_templated_email(
        to_email="ann@example.org",
        template_prefix="communities/emails/decision_declined",
        context={"recipient": recipient, "membership": membership, "community": community, "reason": "<b>x</b>"},
        language="ar",
    )

    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "ar"
    assert "<b>x</b>" in message.body, "the plain-text part is not HTML-escaped"
    assert "&lt;b&gt;x&lt;/b&gt;" in html_part(message)
    assert "\n" not in message.subject
