"""The registration forms and applications of the demo's Great European Conference and Summer School."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from members.models import User

from .. import services
from ..models import Answer, Meeting, Registration


def _great_european_conference_form(meeting: Meeting, registrations: list[Registration]) -> None:
    """Give the Great European Conference its registration form, and its demo participants their answers.

    From the source text: the international training of MULTIPLY, for the Multiply Cities, the On
    the Road Cities and the Special Prize City, on innovative approaches to cross-sector planning,
    with trainings for policy makers, technical staff and communication staff. It is hybrid: seats
    in the room and online are counted apart (150 + 100 = 250).
    """
    for builtin in ("attendance_mode", "interpretation", "dietary", "accessibility", "consent_list"):
        services.question_builtin_switch(meeting=meeting, by=None, builtin=builtin, on=True)
    city = services.question_add(
        meeting=meeting,
        by=None,
        fields={
            "kind": "choice",
            "label": "Your city in MULTIPLY",
            "label_it": "La tua città in MULTIPLY",
            "required": True,
            "choices": "Multiply City\nOn the Road City\nSpecial Prize City\nOther participant",
            "choices_it": "Città Multiply\nCittà On the Road\nCittà Premio Speciale\nAltro partecipante",
        },
    )
    track = services.question_add(
        meeting=meeting,
        by=None,
        fields={
            "kind": "multiple_choice",
            "label": "Which training sessions will you follow?",
            "label_it": "Quali sessioni di formazione seguirai?",
            "choices": "Political leadership (policy makers)\nTechnical planning (technical staff)\n"
            "Communication and participation (communication staff)",
            "choices_it": "Leadership politica (decisori)\nPianificazione tecnica (staff tecnico)\n"
            "Comunicazione e partecipazione (staff della comunicazione)",
        },
    )
    present = services.question_add(
        meeting=meeting,
        by=None,
        fields={
            "kind": "yes_no",
            "label": "Will you present your city's integrated energy plan?",
            "label_it": "Presenterai il piano energetico integrato della tua città?",
        },
    )
    delegates = services.question_add(
        meeting=meeting,
        by=None,
        fields={"kind": "number", "label": "How many people come from your organisation?"},
    )
    questions = {q.builtin: q for q in meeting.questions.exclude(builtin="")}
    answers = [
        ("in_person", "multiply_city", ["political_leadership_policy_makers"], True, 3),
        ("online", "on_the_road_city", ["technical_planning_technical_staff"], False, 1),
        ("in_person", "special_prize_city", ["communication_and_participation_communication_staff"], True, 2),
        ("online", "other_participant", ["technical_planning_technical_staff"], False, 1),
    ]
    for registration, (mode, role, tracks, presents, people) in zip(registrations, answers, strict=False):
        registration.attendance_mode = mode
        registration.save(update_fields=["attendance_mode"])
        values = {
            city: role,
            track: [value for value in tracks if value in {c["value"] for c in track.choices}],
            present: presents,
            delegates: people,
            questions["consent_list"]: True,
            questions["interpretation"]: "it" if mode == "in_person" else "en",
        }
        Answer.objects.bulk_create(
            Answer(registration=registration, question=question, value=value)
            for question, value in values.items()
            if value not in ([], None)
        )


def _rebuild_summer_school_applications(meeting: Meeting, registrations: list[Registration]) -> None:
    """Give the next REBUILD Summer School its application form, criteria, quotas, reviewers and applicants.

    Written directly (no service that emails): seeding must not email anyone. The applicants are
    REBUILD's demo members; the coordinator (an organiser) and Amal Ben Saïd (named reviewer) score.
    """
    from django.db.models import Q

    from communities import permissions

    from ..models import Application, ApplicationReview, ApplicationScore, Criterion, Quota
    from ..services.application_reviews import review_total

    Meeting.objects.filter(pk=meeting.pk).update(registration_deadline=meeting.start - timedelta(days=30))
    texts = [
        ("Motivation", "الدافع", "Why do you want to take part, and what will you do with what you learn?", True),
        ("Experience", "الخبرة", "Your experience of local public services or of training others.", True),
        ("Organisation", "المؤسسة", "Your municipality, university or organisation, and your role there.", False),
    ]
    questions = []
    for label, label_ar, help_text, long in texts:
        questions.append(
            services.question_add(
                meeting=meeting,
                by=None,
                fields={
                    "kind": "long_text" if long else "short_text",
                    "label": label,
                    "label_ar": label_ar,
                    "help_text": help_text,
                    "required": True,
                },
            )
        )
    criteria = [
        Criterion.objects.create(meeting=meeting, name=name, weight=weight, scale_max=5, position=position)
        for position, (name, weight) in enumerate(
            [("Motivation", 2), ("Experience", 1), ("Benefit for the municipality or university", 2)], start=1
        )
    ]
    Quota.objects.bulk_create(
        [
            Quota(meeting=meeting, kind=Quota.Kind.COUNTRY, value="LY", limit=20),
            Quota(meeting=meeting, kind=Quota.Kind.COUNTRY, value="TN", limit=5),
            Quota(meeting=meeting, kind=Quota.Kind.COUNTRY, value="IT", limit=5),
        ]
    )
    people = {u.email: u for u in User.objects.filter(email__endswith="@cop.demo").select_related("organization")}
    reviewer = people.get("amal.bensaid@cop.demo")
    coordinator = people.get("coordinator.rebuild@cop.demo")
    if reviewer is not None:
        permissions.grant(permissions.REVIEW_PERM, reviewer, meeting)
    applicants = [
        (
            "member.rebuild@cop.demo",
            "I coordinate the waste collection service and want to learn how Trentino plans it.",
            "Five years in the municipal services department.",
            [(4, 3, 5), (5, 3, 4)],
        ),
        (
            "salem.elmabrouk@cop.demo",
            "To bring the summer school's methods to my urban planning students.",
            "Lecturer; I trained 40 municipal officers in 2022.",
            [(5, 5, 4), (3, 5, 3)],
        ),
        (
            "nour.haddad@cop.demo",
            "To compare water services management between Sfax and Trentino.",
            "Water services engineer for eight years.",
            [(4, 4, 4)],
        ),
    ]
    now = timezone.now()
    for email, motivation, experience, marks in applicants:
        person = people.get(email)
        if person is None or Registration.objects.filter(meeting=meeting, user=person).exists():
            continue
        registration = Registration.objects.create(meeting=meeting, user=person, status=Registration.Status.PENDING)
        organisation = person.organization
        Application.objects.create(
            registration=registration,
            meeting=meeting,
            country=str(person.country or (organisation.country if organisation else "") or ""),
            organisation_kind=organisation.kind if organisation else "",
            partner_role_ids=sorted(
                meeting.community.partnerships.filter(Q(ended_on__isnull=True), organization=organisation).values_list(
                    "role_id", flat=True
                )
            )
            if organisation
            else [],
            submitted_at=now,
        )
        values = [motivation, experience, organisation.name if organisation else ""]
        Answer.objects.bulk_create(
            Answer(registration=registration, question=question, value=value)
            for question, value in zip(questions, values, strict=True)
            if value
        )
        for scorer, scores in zip([coordinator, reviewer], marks, strict=False):
            if scorer is None:
                continue
            values_by_criterion = {criterion.pk: value for criterion, value in zip(criteria, scores, strict=True)}
            review = ApplicationReview.objects.create(
                registration=registration,
                reviewer=scorer,
                total=review_total(criteria, values_by_criterion),
                submitted_at=now,
            )
            ApplicationScore.objects.bulk_create(
                ApplicationScore(review=review, criterion_id=pk, value=value)
                for pk, value in values_by_criterion.items()
            )
