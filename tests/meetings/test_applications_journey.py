"""Issue 16's applications journey in a real Chromium, in English and then in Arabic.

A coordinator sets up the Summer School (its questions in the form builder, criteria, a quota per
country and a named reviewer); three people apply through the form; two reviewers score every
application; the coordinator decides with a preview, and the acceptances go out through the outbox,
each in its recipient's language. axe-core checks every page (no serious or critical violation),
then the coordinator's pages again after switching the portal to Arabic (right to left).

The live server runs in this process with eager tasks and the locmem email backend, so the emails
land in django.core.mail.outbox once their outbox rows are handed over after each commit.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from communities.models import Community, Membership
from meetings.models import Application, ApplicationReview, Meeting, Quota, Registration
from members.models import OutboxMessage
from tests.browser import assert_no_axe_violations, force_login_cookie, html_attributes
from tests.factories import CommunityFactory, OrganizationFactory, UserFactory, make_member

pytestmark = pytest.mark.browser
S = Registration.Status
APPLICANTS = [  # (name, email, country, language, motivation score, experience score)
    ("Amal Applicant", "amal@example.ly", "LY", "ar", 5, 5),
    ("Basma Applicant", "basma@example.ly", "LY", "ar", 4, 5),
    ("Tarek Applicant", "tarek@example.tn", "TN", "en", 3, 3),
]


def goto(page, url: str):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response.status if response else 'nothing'}"


def click(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


@pytest.fixture
def school(transactional_db):
    community = CommunityFactory(
        slug="rebuild-apply",
        name="REBUILD",
        visibility=Community.Visibility.MEMBERS,
        languages=["en", "ar"],
        default_language="en",
    )
    coordinator = make_member(
        community,
        UserFactory(full_name="Cora Coordinator", email="cora@example.org", language="en"),
        role=Membership.Role.COORDINATOR,
    )
    start = (timezone.now() + timedelta(days=60)).replace(microsecond=0)
    meeting = Meeting.objects.create(
        community=community,
        title="REBUILD Summer School",
        kind=Meeting.Kind.SUMMER_SCHOOL,
        format=Meeting.Format.IN_PERSON,
        start=start,
        end=start + timedelta(days=4),
        city="Trento",
        country="IT",
        capacity=2,
        registration_policy=Meeting.RegistrationPolicy.APPLICATIONS,
        visibility=Meeting.Visibility.MEMBERS,
    )
    return community, coordinator, meeting


def test_summer_school_applications_from_setup_to_acceptances_in_english_and_arabic(browser, live_server, school):
    community, coordinator, meeting = school
    reviewer = make_member(community, UserFactory(full_name="Rami Reviewer", email="rami@example.org"))
    people = [
        make_member(
            community,
            UserFactory(
                full_name=name,
                email=email,
                country=country,
                language=language,
                organization=OrganizationFactory(country=country),
            ),
        )
        for name, email, country, language, _m, _e in APPLICANTS
    ]
    base = live_server.url
    meeting_url = f"{base}{meeting.get_absolute_url()}"
    contexts = []
    visited: list[str] = []

    def signed_in(user):
        context = browser.new_context(locale="en-GB")
        context.set_default_timeout(20_000)
        contexts.append(context)
        force_login_cookie(context, live_server, user)
        return context.new_page()

    def checked(page, remember: bool = False) -> None:
        assert_no_axe_violations(page)
        path = page.url.removeprefix(base)
        if remember and path not in visited:
            visited.append(path)

    try:
        # --- The coordinator sets up the Summer School --------------------------------------------------
        console = signed_in(coordinator)
        goto(console, meeting_url)
        checked(console, remember=True)
        click(console, console.get_by_role("link", name="Registration form"))
        for label, kind in (("Motivation", "Long text"), ("Experience", "Long text"), ("Organisation", "Short text")):
            form = console.locator("main form", has=console.get_by_role("button", name="Add the question"))
            form.get_by_label("Kind of answer").select_option(label=kind)
            form.get_by_label("Question", exact=True).fill(label)
            form.get_by_label("An answer is required").check()
            click(console, form.get_by_role("button", name="Add the question"))
        assert list(meeting.questions.values_list("label", flat=True)) == ["Motivation", "Experience", "Organisation"]
        checked(console, remember=True)

        goto(console, meeting_url)
        click(console, console.get_by_role("link", name="Criteria, quotas and reviewers"))
        checked(console, remember=True)
        for name, weight in (("Motivation", "2"), ("Experience", "1")):
            form = console.locator("form", has=console.get_by_role("button", name="Add the criterion"))
            form.get_by_label("Criterion", exact=True).fill(name)
            form.get_by_label("Weight").fill(weight)
            form.get_by_label("Highest score").fill("5")
            click(console, form.get_by_role("button", name="Add the criterion"))
        form = console.locator("form", has=console.get_by_role("button", name="Save the quota"))
        form.get_by_label("Quota on").select_option(label="Country")
        form.get_by_label("Country", exact=True).select_option("LY")
        form.get_by_label("At most (people accepted)").fill("1")
        click(console, form.get_by_role("button", name="Save the quota"))
        form = console.locator("form", has=console.get_by_role("button", name="Add the reviewer"))
        form.get_by_label("Email address of the member").fill(reviewer.email)
        click(console, form.get_by_role("button", name="Add the reviewer"))
        form = console.locator("form", has=console.get_by_role("button", name="Save the settings"))
        form.get_by_label("Days accepted people have to confirm").fill("7")
        click(console, form.get_by_role("button", name="Save the settings"))
        assert Quota.objects.get(meeting=meeting).value == "LY"
        assert console.get_by_text("Rami Reviewer", exact=True).first.is_visible()  # then the hidden "Remove: …"
        checked(console)

        # --- Three people apply ---------------------------------------------------------------------------
        for index, (person, (_name, _email, _country, _language, _m, _e)) in enumerate(
            zip(people, APPLICANTS, strict=True)
        ):
            page = signed_in(person)
            goto(page, meeting_url)
            # Each applicant reads the portal in their own language: find the link by where it goes.
            click(page, page.locator("main a[href$='/apply/']"))
            if index == 0:
                checked(page)
            page.get_by_label("Motivation").fill(f"Motivation of {person.full_name}")
            page.get_by_label("Experience").fill("Municipal services")
            page.get_by_label("Organisation").fill("Municipality")
            click(page, page.locator("main form button[type=submit]"))
            assert page.url.endswith("/my-application/")
            if index == 0:
                checked(page)
        assert Registration.objects.filter(meeting=meeting, status=S.PENDING).count() == 3
        assert {a.country for a in Application.objects.filter(meeting=meeting)} == {"LY", "TN"}

        # --- Two reviewers score each application ---------------------------------------------------------
        marks = {p.full_name: (m, e) for p, (_n, _em, _c, _l, m, e) in zip(people, APPLICANTS, strict=True)}
        review_page = signed_in(reviewer)
        for page, remember in ((console, True), (review_page, False)):
            list_url = f"{base}/c/{community.slug}/meetings/{meeting.pk}/applications/"
            for name, (motivation, experience) in marks.items():
                goto(page, list_url)
                if remember and name == APPLICANTS[0][0]:
                    checked(page, remember=True)
                click(page, page.get_by_role("link", name=name))
                page.get_by_label("Motivation (weight 2)").select_option(str(motivation))
                page.get_by_label("Experience (weight 1)").select_option(str(experience))
                click(page, page.get_by_role("button", name="Submit my scores"))
                assert page.get_by_text("Your scores are saved.").is_visible()
                if name == APPLICANTS[0][0]:
                    checked(page, remember=remember)
        assert ApplicationReview.objects.filter(registration__meeting=meeting).count() == 6

        # --- The coordinator decides: top 2, quotas respected, preview, then acceptances out -------------
        mail.outbox.clear()
        OutboxMessage.objects.all().delete()
        goto(console, f"{base}/c/{community.slug}/meetings/{meeting.pk}/applications/")
        click(console, console.get_by_role("link", name="Decide", exact=True))
        checked(console, remember=True)
        console.get_by_label("Accept the best-ranked applications").check()
        console.get_by_label("How many to accept").fill("2")
        console.get_by_label("The others").select_option("waitlist")
        click(console, console.get_by_role("button", name="Preview"))
        preview = console.locator("table.decision-preview")
        assert preview.locator("tr", has_text="Basma Applicant").get_by_text("quota reached").is_visible()
        assert Registration.objects.filter(meeting=meeting, status=S.PENDING).count() == 3, "a preview changes nothing"
        checked(console)
        click(console, console.get_by_role("button", name="Confirm and send the emails"))
        statuses = dict(Registration.objects.filter(meeting=meeting).values_list("user__full_name", "status"))
        assert statuses == {
            "Amal Applicant": S.REGISTERED,
            "Basma Applicant": S.WAITLISTED,
            "Tarek Applicant": S.REGISTERED,
        }
        rows = OutboxMessage.objects.filter(task_name="meetings.notify_application")
        assert rows.count() == 3, "one outbox row per person decided"
        by_person = {message.to[0]: message for message in mail.outbox}
        assert set(by_person) == {p.email for p in people} and len(mail.outbox) == 3, "each emailed once"
        assert by_person["tarek@example.tn"].subject.endswith("You are accepted: REBUILD Summer School")
        for email, language in (("amal@example.ly", "ar"), ("basma@example.ly", "ar"), ("tarek@example.tn", "en")):
            assert by_person[email].extra_headers["Content-Language"] == language
        checked(console)

        # The accepted applicant sees the date to confirm and confirms.
        accepted = signed_in(people[2])
        goto(accepted, f"{base}/c/{community.slug}/meetings/{meeting.pk}/my-application/")
        checked(accepted)
        click(accepted, accepted.get_by_role("button", name="Confirm my place"))
        assert Application.objects.get(registration__user=people[2]).confirmed_at is not None

        # --- The coordinator's pages again, in Arabic -----------------------------------------------------
        switcher = console.locator("form.language-switcher")
        switcher.get_by_label("Language").select_option("ar")
        click(console, switcher.get_by_role("button"))
        assert html_attributes(console) == {"lang": "ar", "dir": "rtl"}
        for path in visited:
            goto(console, base + path)
            assert html_attributes(console) == {"lang": "ar", "dir": "rtl"}, path
            assert_no_axe_violations(console)
    finally:
        for context in contexts:
            context.close()
