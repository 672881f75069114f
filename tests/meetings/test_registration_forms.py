"""Registration forms over HTTP: every question kind, required and invalid answers, editing until the
deadline, the form builder, the organisers' filters and exports (CSV, Excel) with privacy choices."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from meetings import services
from meetings.models import Answer, Question, Registration
from tests.factories import UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def url(name, meeting, **kwargs):
    return reverse(
        f"meetings:{name}", kwargs={"community_slug": meeting.community.slug, "meeting_pk": meeting.pk, **kwargs}
    )


def _q(meeting, kind, label, *, required=False, choices=""):
    return services.question_add(
        meeting=meeting, by=None, fields={"kind": kind, "label": label, "required": required, "choices": choices}
    )


@pytest.fixture
def meeting(community):
    return MeetingFactory(community=community, capacity=10)


@pytest.fixture
def form(meeting):
    """One question of each kind, the long text required."""
    return {
        "short": _q(meeting, "short_text", "Your role"),
        "long": _q(meeting, "long_text", "Why do you come?", required=True),
        "choice": _q(meeting, "choice", "Session", choices="Morning\nAfternoon"),
        "multi": _q(meeting, "multiple_choice", "Topics", choices="Energy\nMobility\nWater"),
        "yes_no": _q(meeting, "yes_no", "Need a hotel?"),
        "number": _q(meeting, "number", "Nights"),
        "country": _q(meeting, "country", "Travelling from"),
    }


def _answers(form, **overrides):
    data = {
        form["short"].field_name: "Energy manager",
        form["long"].field_name: "To learn from peers.",
        form["choice"].field_name: "morning",
        form["multi"].field_name: ["energy", "water"],
        form["yes_no"].field_name: "yes",
        form["number"].field_name: "2",
        form["country"].field_name: "LY",
    }
    data.update(overrides)
    return data


def test_each_question_kind_is_asked_and_stored(client, meeting, form, member):
    client.force_login(member)
    page = client.get(url("register", meeting)).content.decode()
    for question in form.values():
        assert question.label in page
    assert 'type="radio"' in page and 'type="checkbox"' in page and "<select" in page and "<textarea" in page

    response = client.post(url("register", meeting), _answers(form))

    assert response.status_code == 302
    registration = Registration.objects.get(meeting=meeting, user=member)
    assert registration.status == "registered"
    stored = {a.question_id: a.value for a in Answer.objects.filter(registration=registration)}
    assert stored == {
        form["short"].pk: "Energy manager",
        form["long"].pk: "To learn from peers.",
        form["choice"].pk: "morning",
        form["multi"].pk: ["energy", "water"],
        form["yes_no"].pk: True,
        form["number"].pk: 2,
        form["country"].pk: "LY",
    }


def test_a_required_answer_left_empty_registers_nobody(client, meeting, form, member):
    client.force_login(member)
    response = client.post(url("register", meeting), _answers(form, **{form["long"].field_name: "  "}))
    assert response.status_code == 200
    assert "This question needs an answer." in response.content.decode()
    assert not Registration.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize(
    "key,value,message",
    [
        ("choice", "evening", "Choose one of the options given."),
        ("multi", ["energy", "rockets"], "Choose among the options given."),
        ("yes_no", "perhaps", "Answer yes or no."),
        ("number", "two", "Enter a number, such as 3 or 2.5."),
        ("country", "XX", "Choose a country from the list."),
        ("short", "line one\nline two", "Write this answer on one line."),
        ("long", "x" * 5001, "Keep the answer within 5000 characters."),
    ],
)
def test_an_invalid_answer_gets_a_clear_message_and_saves_nothing(client, meeting, form, member, key, value, message):
    client.force_login(member)
    response = client.post(url("register", meeting), _answers(form, **{form[key].field_name: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Registration.objects.filter(meeting=meeting).exists()
    assert not Answer.objects.exists()


def test_translated_labels_follow_the_readers_language(client, meeting, member):
    question = services.question_add(
        meeting=meeting,
        by=None,
        fields={
            "kind": "choice",
            "label": "Session",
            "label_it": "Sessione",
            "choices": "Morning\nAfternoon",
            "choices_it": "Mattina\nPomeriggio",
        },
    )
    assert question.translations == {"it": {"label": "Sessione"}}
    member.language = "it"
    member.save()
    client.force_login(member)
    page = client.get(url("register", meeting), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Sessione" in page and "Mattina" in page


def test_answers_can_change_until_the_deadline_then_are_read_only(client, meeting, form, member):
    meeting.registration_deadline = timezone.now() + timedelta(days=1)
    meeting.save()
    client.force_login(member)
    client.post(url("register", meeting), _answers(form))
    registration = Registration.objects.get(meeting=meeting, user=member)

    response = client.post(url("my_answers", meeting), _answers(form, **{form["number"].field_name: "3"}))
    assert response.status_code == 302
    assert Answer.objects.get(registration=registration, question=form["number"]).value == 3

    meeting.registration_deadline = timezone.now() - timedelta(minutes=1)
    meeting.save()
    page = client.get(url("my_answers", meeting)).content.decode()
    assert "they are now read-only" in page and "disabled" in page
    response = client.post(url("my_answers", meeting), _answers(form, **{form["number"].field_name: "9"}), follow=True)
    assert "they are now read-only" in response.content.decode()
    assert Answer.objects.get(registration=registration, question=form["number"]).value == 3


def test_an_optional_answer_cleared_is_removed(client, meeting, form, member):
    client.force_login(member)
    client.post(url("register", meeting), _answers(form))
    client.post(url("my_answers", meeting), _answers(form, **{form["short"].field_name: ""}))
    assert not Answer.objects.filter(question=form["short"]).exists()


def test_the_form_builder_adds_edits_reorders_and_removes_questions(client, meeting, coordinator):
    client.force_login(coordinator)
    assert client.get(url("form_builder", meeting)).status_code == 200
    response = client.post(url("form_builder", meeting), {"kind": "choice", "label": "Meal", "choices": "Fish\nMeat"})
    assert response.status_code == 302
    client.post(url("form_builder", meeting), {"kind": "short_text", "label": "Role", "required": "on"})
    meal, role = Question.objects.filter(meeting=meeting).order_by("position")
    assert [c["value"] for c in meal.choices] == ["fish", "meat"] and role.required

    client.post(url("question_move", meeting, question_pk=role.pk), {"direction": "up"})
    assert list(Question.objects.filter(meeting=meeting).order_by("position").values_list("label", flat=True)) == [
        "Role",
        "Meal",
    ]
    # Renaming a choice keeps its value, so answers given before keep their meaning.
    client.post(
        url("question_edit", meeting, question_pk=meal.pk),
        {"label": "Meal", "kind": "choice", "choices": "Fish\nVegetables"},
    )
    meal.refresh_from_db()
    assert [(c["value"], c["label"]) for c in meal.choices] == [("fish", "Fish"), ("meat", "Vegetables")]

    response = client.post(url("form_builder", meeting), {"kind": "choice", "label": "Bad", "choices": "Only one"})
    assert "Give at least two choices, one per line." in response.content.decode()

    client.post(url("question_delete", meeting, question_pk=meal.pk))
    assert list(Question.objects.filter(meeting=meeting).values_list("label", flat=True)) == ["Role"]


def test_built_in_questions_switch_on_and_off_keeping_answers(client, meeting, coordinator, member):
    client.force_login(coordinator)
    client.post(url("form_builtin", meeting), {"builtin": "dietary", "on": "on"})
    dietary = Question.objects.get(meeting=meeting, builtin="dietary")
    assert dietary.kind == "multiple_choice" and dietary.enabled
    registration = Registration.objects.create(meeting=meeting, user=member)
    Answer.objects.create(registration=registration, question=dietary, value=["vegan"])
    client.post(url("form_builtin", meeting), {"builtin": "dietary"})
    dietary.refresh_from_db()
    assert not dietary.enabled and dietary.answers.count() == 1
    # The attendance mode is for hybrid meetings only.
    response = client.post(url("form_builtin", meeting), {"builtin": "attendance_mode", "on": "on"}, follow=True)
    assert "Only a hybrid meeting asks how people attend" in response.content.decode()


def test_a_member_cannot_open_the_form_builder(client, meeting, member):
    client.force_login(member)
    response = client.post(url("form_builder", meeting), {"kind": "short_text", "label": "Sneaky"})
    assert response.status_code == 302 and not Question.objects.exists()


@pytest.fixture
def answered(meeting, form, community):
    """Two registrants: Hana shows her email and country and consents; Omar hides both and does not."""
    services.question_builtin_switch(meeting=meeting, by=None, builtin="consent_list", on=True)
    hana = make_member(
        community,
        UserFactory(
            full_name="Hana Haddad", email="hana@example.org", show_email=True, show_country=True, country="TN"
        ),
    )
    omar = make_member(
        community,
        UserFactory(
            full_name="Omar Obeidi", email="omar@example.org", show_email=False, show_country=False, country="LY"
        ),
    )
    consent = Question.objects.get(meeting=meeting, builtin="consent_list")
    services.registration_create(
        meeting=meeting,
        user=hana,
        answers=_answers(form, **{consent.field_name: "yes", form["choice"].field_name: "afternoon"}),
    )
    services.registration_create(
        meeting=meeting,
        user=omar,
        answers=_answers(form, **{consent.field_name: "no", form["short"].field_name: '=HYPERLINK("http://evil")'}),
    )
    return hana, omar


def test_organisers_see_answers_and_filter_by_them(client, meeting, form, coordinator, answered):
    client.force_login(coordinator)
    page = client.get(url("registrations", meeting)).content.decode()
    assert "Why do you come?" in page and "To learn from peers." in page and "Energy; Water" in page
    filtered = client.get(url("registrations", meeting), {form["choice"].field_name: "afternoon"}).content.decode()
    assert "Hana Haddad" in filtered and "Omar Obeidi" not in filtered
    multi = client.get(url("registrations", meeting), {form["multi"].field_name: "mobility"}).content.decode()
    assert "Nobody matches these filters." in multi


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_has_answers_filters_and_privacy(client, meeting, form, coordinator, answered):
    client.force_login(coordinator)
    rows = _csv_rows(client.get(url("registrations_csv", meeting)))
    header, body = rows[0], rows[1:]
    assert "Why do you come?" in header and "May your name and organisation appear in the attendee list?" in header
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert by_name["Hana Haddad"]["Email address"] == "hana@example.org"
    assert by_name["Hana Haddad"]["Country"] == "Tunisia"
    assert by_name["Omar Obeidi"]["Email address"] == "" and by_name["Omar Obeidi"]["Country"] == ""
    assert by_name["Omar Obeidi"]["Your role"].startswith("'=")  # a formula is neutralised
    assert by_name["Hana Haddad"]["Topics"] == "Energy; Water"
    only = _csv_rows(client.get(url("registrations_csv", meeting), {form["choice"].field_name: "afternoon"}))
    assert [row[0] for row in only[1:]] == ["Hana Haddad"]


def test_excel_export_matches_and_never_runs_formulas(client, meeting, form, coordinator, answered):
    client.force_login(coordinator)
    response = client.get(url("registrations_xlsx", meeting))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_name["Hana Haddad"]["Email address"] == "hana@example.org"
    assert not by_name["Omar Obeidi"]["Email address"] and not by_name["Omar Obeidi"]["Country"]
    cells = [
        c for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert len(cells) == 1 and cells[0].data_type == "s"  # kept as text: a spreadsheet shows it, never runs it


def test_a_member_cannot_export(client, meeting, member, answered):
    client.force_login(member)
    response = client.get(url("registrations_xlsx", meeting))
    assert response.status_code == 302 and "openxml" not in response.get("Content-Type", "")


def test_the_attendee_list_names_only_people_who_consented(client, meeting, answered):
    hana, omar = answered
    client.force_login(omar)  # a participant
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Who is coming" in page
    assert "Hana Haddad" in page and "Tunisia" in page
    assert "Omar Obeidi" not in page.split("attendees-heading")[1].split("</section>")[0]


def test_people_not_registered_see_no_attendee_list(client, meeting, answered, community):
    client.force_login(make_member(community))
    assert "Hana Haddad" not in client.get(meeting.get_absolute_url()).content.decode()
