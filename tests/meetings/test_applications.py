"""Applications (issue 16): applying with the form, two reviewers scoring, quotas, deciding in one step, access."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from communities.models import Membership
from meetings import services
from meetings.models import Application, ApplicationReview, Meeting, Quota, Registration
from members.models import OutboxMessage
from tests.factories import OrganizationFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

S = Registration.Status


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


@pytest.fixture
def school(community, coordinator):
    """A summer school taking applications: 3 places, a form of three questions, two criteria."""
    meeting = MeetingFactory(
        community=community,
        title="Summer School",
        kind=Meeting.Kind.SUMMER_SCHOOL,
        format=Meeting.Format.IN_PERSON,
        capacity=3,
        visibility=Meeting.Visibility.MEMBERS,
        registration_policy=Meeting.RegistrationPolicy.APPLICATIONS,
        start=timezone.now() + timedelta(days=60),
        end=timezone.now() + timedelta(days=64),
        registration_deadline=timezone.now() + timedelta(days=30),
    )
    for label, kind in (("Motivation", "long_text"), ("Experience", "long_text"), ("Organisation", "short_text")):
        services.question_add(meeting=meeting, by=coordinator, fields={"kind": kind, "label": label, "required": True})
    services.criterion_add(meeting=meeting, by=coordinator, name="Motivation", weight=2, scale_max=5)
    services.criterion_add(meeting=meeting, by=coordinator, name="Experience", weight=1, scale_max=5)
    return meeting


def answers_for(meeting, text="I want to learn."):
    return {q.field_name: text for q in meeting.questions.all()}


def applicant(community, name, country, language="en"):
    organisation = OrganizationFactory(country=country)
    person = UserFactory(full_name=name, country=country, language=language, organization=organisation)
    return make_member(community, person)


def scores(meeting, motivation, experience):
    by_name = {c.name: c.pk for c in meeting.criteria.all()}
    return {by_name["Motivation"]: motivation, by_name["Experience"]: experience}


# --- Applying ---------------------------------------------------------------------------------------


def test_applying_answers_the_form_and_is_pending_with_one_email(
    client, community, school, django_capture_on_commit_callbacks
):
    person = applicant(community, "Amal", "LY", language="ar")
    client.force_login(person)
    url = reverse("meetings:apply", kwargs={"community_slug": community.slug, "meeting_pk": school.pk})
    assert client.get(url).status_code == 200

    response = client.post(url, {})  # required answers missing
    assert response.status_code == 200
    assert not Registration.objects.filter(meeting=school).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, answers_for(school))
    assert response.status_code == 302
    registration = Registration.objects.get(meeting=school, user=person)
    assert registration.status == S.PENDING
    application = registration.application
    assert application.country == "LY"
    assert registration.answers.count() == 3
    (message,) = mail.outbox
    assert message.to == [person.email]
    assert message.extra_headers["Content-Language"] == "ar", "in the applicant's language"
    # Applying again changes nothing and sends nothing.
    services.application_submit(meeting=school, user=person, answers=answers_for(school, "Other"))
    assert Registration.objects.filter(meeting=school).count() == 1
    assert len(mail.outbox) == 1


def test_answers_change_until_the_deadline_then_are_read_only(community, school):
    person = applicant(community, "Omar", "TN")
    registration = services.application_submit(meeting=school, user=person, answers=answers_for(school))
    services.application_answers_update(registration=registration, by=person, answers=answers_for(school, "New"))
    assert set(registration.answers.values_list("value", flat=True)) == {"New"}

    Meeting.objects.filter(pk=school.pk).update(registration_deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.RegistrationError):
        services.application_answers_update(registration=registration, by=person, answers=answers_for(school, "Late"))
    assert set(registration.answers.values_list("value", flat=True)) == {"New"}


def test_a_meeting_taking_applications_refuses_plain_registration(community, school):
    person = applicant(community, "Reg", "IT")
    with pytest.raises(services.RegistrationError):
        services.registration_create(meeting=school, user=person, answers=answers_for(school))


def test_withdrawing_an_accepted_place_promotes_the_best_waiting(community, coordinator, school, run_on_commit):
    people = [applicant(community, f"P{i}", "IT") for i in range(4)]
    registrations = [services.application_submit(meeting=school, user=p, answers=answers_for(school)) for p in people]
    for registration, (m, e) in zip(registrations, [(5, 5), (4, 4), (3, 3), (2, 5)], strict=True):
        services.review_submit(registration=registration, reviewer=coordinator, scores=scores(school, m, e))
    services.selection_apply(meeting=school, by=coordinator, mode="top", top=3, rest="waitlist")
    assert Registration.objects.get(pk=registrations[3].pk).status == S.WAITLISTED

    mail.outbox.clear()
    run_on_commit(services.application_withdraw, registration=registrations[0], by=people[0])
    assert Registration.objects.get(pk=registrations[0].pk).status == S.CANCELLED
    assert Registration.objects.get(pk=registrations[3].pk).status == S.REGISTERED
    (message,) = mail.outbox
    assert message.to == [people[3].email]
    assert "A place is yours" in message.subject


# --- Scoring by two reviewers -----------------------------------------------------------------------


def test_two_reviewers_score_independently_and_see_average_and_disagreement(client, community, coordinator, school):
    reviewer = make_member(community, UserFactory(full_name="Rita Reviewer"))
    services.reviewer_add(meeting=school, by=coordinator, user=reviewer)
    person = applicant(community, "Salem", "LY")
    registration = services.application_submit(meeting=school, user=person, answers=answers_for(school, "Motivated"))
    review_url = reverse(
        "meetings:application_review",
        kwargs={"community_slug": community.slug, "meeting_pk": school.pk, "registration_pk": registration.pk},
    )
    list_url = reverse("meetings:applications", kwargs={"community_slug": community.slug, "meeting_pk": school.pk})
    motivation, experience = (c.pk for c in school.criteria.order_by("position"))

    # The coordinator (an organiser reviews by default) scores high: (2*5/5 + 1*5/5) / 3 = 100.
    client.force_login(coordinator)
    response = client.post(review_url, {f"c{motivation}": "5", f"c{experience}": "5", "comment": "Excellent"})
    assert response.status_code == 302

    # The named reviewer sees the answers but not the other score until she submits hers.
    client.force_login(reviewer)
    page = client.get(review_url).content.decode()
    assert "Motivated" in page
    assert "Excellent" not in page and "100.0 / 100" not in page
    assert "hidden until you score" in client.get(list_url).content.decode()
    response = client.post(review_url, {f"c{motivation}": "9", f"c{experience}": "1"})
    assert response.status_code == 200, "a score beyond the scale is refused"
    assert not ApplicationReview.objects.filter(reviewer=reviewer).exists()
    response = client.post(review_url, {f"c{motivation}": "2", f"c{experience}": "1"})
    assert response.status_code == 302

    totals = sorted(ApplicationReview.objects.filter(registration=registration).values_list("total", flat=True))
    # (2*2/5 + 1*1/5) / 3 * 100 = 33.3
    assert totals == [Decimal("33.3"), Decimal("100.0")]
    page = client.get(review_url).content.decode()
    assert "Excellent" in page and "66.7" in page, "after scoring she sees the others and the average"
    assert "Reviewers disagree" in page, "66.7 points apart is above the threshold of 25"
    listing = client.get(list_url).content.decode()
    assert "66.7" in listing and "Reviewers disagree" in listing


# --- Quotas and deciding ---------------------------------------------------------------------------


def test_an_applicant_beyond_the_country_quota_is_waitlisted_even_with_a_high_score(
    community, coordinator, school, run_on_commit
):
    services.quota_set(meeting=school, by=coordinator, kind=Quota.Kind.COUNTRY, value="LY", limit=1)
    libya_1 = applicant(community, "Libya One", "LY", language="ar")
    libya_2 = applicant(community, "Libya Two", "LY", language="ar")
    italy = applicant(community, "Italy", "IT", language="it")
    tunisia = applicant(community, "Tunisia", "TN", language="en")
    marks = {libya_1: (5, 5), libya_2: (5, 4), italy: (3, 3), tunisia: (2, 2)}
    registrations = {}
    for person, (m, e) in marks.items():
        registrations[person] = services.application_submit(meeting=school, user=person, answers=answers_for(school))
        services.review_submit(registration=registrations[person], reviewer=coordinator, scores=scores(school, m, e))

    plan = services.plan_selection(meeting=school, mode="top", top=3, rest="waitlist")
    outcomes = {o.candidate.registration.user_id: (o.outcome, o.reason) for o in plan.outcomes}
    assert outcomes[libya_2.pk][0] == "waitlist" and "quota" in outcomes[libya_2.pk][1]
    assert {outcomes[p.pk][0] for p in (libya_1, italy, tunisia)} == {"accept"}
    assert Registration.objects.filter(meeting=school, status=S.PENDING).count() == 4, "a preview changes nothing"

    mail.outbox.clear()
    OutboxMessage.objects.all().delete()
    run_on_commit(
        services.selection_apply, meeting=school, by=coordinator, digest=plan.digest, mode="top", top=3, rest="waitlist"
    )
    status = {p: Registration.objects.get(pk=r.pk).status for p, r in registrations.items()}
    assert status == {libya_1: S.REGISTERED, libya_2: S.WAITLISTED, italy: S.REGISTERED, tunisia: S.REGISTERED}
    assert Registration.objects.filter(meeting=school).seats_taken().count() == 3, "acceptances take the seats"
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert len(mail.outbox) == 4 and len(subjects) == 4, "one email per person"
    languages = {m.to[0]: m.extra_headers["Content-Language"] for m in mail.outbox}
    assert languages == {libya_1.email: "ar", libya_2.email: "ar", italy.email: "it", tunisia.email: "en"}
    assert "You are accepted: Summer School" in subjects[tunisia.email]
    assert "أنت في قائمة الانتظار" in subjects[libya_2.email], "in Arabic for the Libyan applicant"
    assert OutboxMessage.objects.filter(task_name="meetings.notify_application").count() == 4

    # Deciding the same again changes nothing and emails nobody.
    mail.outbox.clear()
    run_on_commit(services.selection_apply, meeting=school, by=coordinator, mode="top", top=3, rest="waitlist")
    assert mail.outbox == []


def test_a_stale_preview_is_refused(community, coordinator, school):
    people = [applicant(community, f"A{i}", "IT") for i in range(2)]
    for person in people:
        services.application_submit(meeting=school, user=person, answers=answers_for(school))
    plan = services.plan_selection(meeting=school, mode="top", top=1, rest="reject")
    registration = Registration.objects.get(user=people[1])
    services.review_submit(registration=registration, reviewer=coordinator, scores=scores(school, 5, 5))
    with pytest.raises(ValidationError) as error:
        services.selection_apply(meeting=school, by=coordinator, digest=plan.digest, mode="top", top=1, rest="reject")
    assert error.value.code == "plan_changed"
    assert not Registration.objects.filter(meeting=school, status__in=[S.REGISTERED, S.DECLINED]).exists()


def test_partner_role_and_organisation_kind_quotas(community, coordinator, school):
    from communities.models import PartnerRole, Partnership
    from members.models import Organization

    role = PartnerRole.objects.create(community=community, name="University partner")
    people = []
    for index in range(3):
        organisation = OrganizationFactory(kind=Organization.Kind.UNIVERSITY, country="IT")
        Partnership.objects.create(community=community, organization=organisation, role=role)
        person = make_member(community, UserFactory(organization=organisation, country="IT"))
        registration = services.application_submit(meeting=school, user=person, answers=answers_for(school))
        services.review_submit(registration=registration, reviewer=coordinator, scores=scores(school, 5 - index, 3))
        people.append(person)
    assert Application.objects.get(registration__user=people[0]).partner_role_ids == [role.pk]
    services.quota_set(meeting=school, by=coordinator, kind=Quota.Kind.PARTNER_ROLE, value=str(role.pk), limit=2)
    plan = services.plan_selection(meeting=school, mode="top", top=3, rest="reject")
    assert [o.outcome for o in plan.outcomes] == ["accept", "accept", "waitlist"]
    services.quota_set(meeting=school, by=coordinator, kind=Quota.Kind.ORGANISATION_KIND, value="university", limit=1)
    plan = services.plan_selection(meeting=school, mode="top", top=3, rest="reject")
    assert [o.outcome for o in plan.outcomes] == ["accept", "waitlist", "waitlist"]


def test_the_decide_page_previews_then_decides(
    client, community, coordinator, school, django_capture_on_commit_callbacks
):
    people = [applicant(community, f"Person {i}", "IT") for i in range(4)]
    for index, person in enumerate(people):
        registration = services.application_submit(meeting=school, user=person, answers=answers_for(school))
        services.review_submit(registration=registration, reviewer=coordinator, scores=scores(school, 5 - index, 3))
    client.force_login(coordinator)
    url = reverse("meetings:applications_decide", kwargs={"community_slug": community.slug, "meeting_pk": school.pk})
    assert client.get(url).status_code == 200
    data = {"mode": "top", "top": "2", "rest": "reject", "action": "accept"}
    page = client.post(url, data).content.decode()
    assert "2 accepted, 0 waitlisted, 2 rejected." in page
    assert Registration.objects.filter(meeting=school, status=S.PENDING).count() == 4
    digest = page.split('name="digest" value="')[1].split('"')[0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "digest": digest, "confirm": "1"})
    assert response.status_code == 302
    assert Registration.objects.filter(meeting=school, status=S.REGISTERED).count() == 2
    assert Registration.objects.filter(meeting=school, status=S.DECLINED).count() == 2
    assert len(mail.outbox) == 4


# --- Access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "plain member", "other community's member"])
def test_only_reviewers_reach_the_applications(client, community, coordinator, school, who):
    from tests.factories import CommunityFactory

    person = applicant(community, "Applicant Secret", "LY")
    registration = services.application_submit(meeting=school, user=person, answers=answers_for(school, "SECRET"))
    visitor = {
        "outsider": lambda: UserFactory(),
        "plain member": lambda: make_member(community, UserFactory()),
        "other community's member": lambda: make_member(CommunityFactory(), UserFactory()),
    }[who]()
    client.force_login(visitor)
    kwargs = {"community_slug": community.slug, "meeting_pk": school.pk}
    urls = [
        reverse("meetings:applications", kwargs=kwargs),
        reverse("meetings:applications_setup", kwargs=kwargs),
        reverse("meetings:applications_decide", kwargs=kwargs),
        reverse("meetings:application_review", kwargs={**kwargs, "registration_pk": registration.pk}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, f"{who} got {response.status_code} at {url}"
        assert "SECRET" not in response.content.decode()
    motivation = school.criteria.first().pk
    assert client.post(urls[3], {f"c{motivation}": "5"}).status_code == 404
    assert client.post(urls[2], {"mode": "top", "top": "3", "rest": "reject", "confirm": "1"}).status_code == 404
    assert not ApplicationReview.objects.exists()
    assert Registration.objects.get(pk=registration.pk).status == S.PENDING
    with pytest.raises(Exception):  # noqa: B017 - the service refuses too
        services.review_submit(registration=registration, reviewer=visitor, scores=scores(school, 5, 5))


def test_a_named_reviewer_reviews_but_does_not_decide(client, community, coordinator, school):
    reviewer = make_member(community, UserFactory())
    services.reviewer_add(meeting=school, by=coordinator, user=reviewer)
    client.force_login(reviewer)
    kwargs = {"community_slug": community.slug, "meeting_pk": school.pk}
    assert client.get(reverse("meetings:applications", kwargs=kwargs)).status_code == 200
    assert client.get(reverse("meetings:applications_decide", kwargs=kwargs)).status_code == 404
    assert client.get(reverse("meetings:applications_setup", kwargs=kwargs)).status_code == 404
    # Leaving the community ends the grant at once.
    Membership.objects.filter(user=reviewer).update(status=Membership.Status.LEFT)
    assert client.get(reverse("meetings:applications", kwargs=kwargs)).status_code == 404


def test_the_applications_list_filters_by_status_country_and_quota(client, community, coordinator, school):
    services.quota_set(meeting=school, by=coordinator, kind=Quota.Kind.COUNTRY, value="TN", limit=2)
    for name, country in (("Libyan Applicant", "LY"), ("Tunisian Applicant", "TN")):
        services.application_submit(
            meeting=school, user=applicant(community, name, country), answers=answers_for(school)
        )
    client.force_login(coordinator)
    url = reverse("meetings:applications", kwargs={"community_slug": community.slug, "meeting_pk": school.pk})
    page = client.get(url, {"country": "LY"}).content.decode()
    assert "Libyan Applicant" in page and "Tunisian Applicant" not in page
    quota = Quota.objects.get(meeting=school)
    page = client.get(url, {"quota": quota.pk}).content.decode()
    assert "Tunisian Applicant" in page and "Libyan Applicant" not in page
    page = client.get(url, {"status": S.REGISTERED}).content.decode()
    assert "Tunisian Applicant" not in page


def test_the_applications_list_has_constant_queries(client, community, coordinator, school):
    client.force_login(coordinator)
    url = reverse("meetings:applications", kwargs={"community_slug": community.slug, "meeting_pk": school.pk})

    def load(count):
        for index in range(count):
            person = applicant(community, f"Q{index}-{count}", "IT")
            registration = services.application_submit(meeting=school, user=person, answers=answers_for(school))
            services.review_submit(registration=registration, reviewer=coordinator, scores=scores(school, 3, 3))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    load(1)  # the first request of the session warms its caches
    assert load(2) == load(8)
