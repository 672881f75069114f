"""How the isolation walk fills URL parameters.

tests/test_isolation.py visits every URL pattern that takes a community slug. For each
other parameter in such a pattern, register here a builder that creates a real object
inside the given community (name it with SECRET so the walk can look for leaks) and
returns the value to put in the URL. A pattern with an unregistered parameter fails the
walk, so no new URL escapes it.
"""

from collections.abc import Callable

SECRET = "SECRET-7f3a"

# Parameter name -> builder(community) -> value for the URL.
PARAM_BUILDERS: dict[str, Callable] = {}

# URL names (namespace:name) that may answer 200 to outsiders of a members-only community,
# because they show only the public card (name, tagline, description, how to join).
LANDING_URL_NAMES = {"communities:home"}


def register(name: str):
    def decorator(builder: Callable) -> Callable:
        PARAM_BUILDERS[name] = builder
        return builder

    return decorator


@register("group_slug")
def _group_slug(community):
    from tests.factories import GroupFactory

    return GroupFactory(community=community, name=f"Group {SECRET}", description=SECRET).slug


@register("user_id")
def _user_id(community):
    from tests.factories import UserFactory, make_member

    person = UserFactory(full_name=f"Listed {SECRET}", job_title=SECRET, listed_in_directory=True, show_email=True)
    return make_member(community, person).pk


# The join page of a community is part of its public card (how to join): outsiders may open it.
LANDING_URL_NAMES.add("communities:join")

# URL names only a community's coordinators may open (anyone else gets 404); the walk that
# checks a member reaches every URL opens these as a coordinator.
MANAGER_URL_NAMES: set[str] = {
    "communities:manage",
    "communities:manage_approve",
    "communities:manage_decline",
    "communities:manage_role",
    "communities:manage_remove",
    "communities:manage_invite",
    "communities:manage_invitation_resend",
    "communities:manage_invitation_revoke",
    "communities:manage_history",
    "communities:manage_organisations",
    "communities:manage_organisation_verify",
    "communities:manage_organisation_merge",
    "communities:manage_onboarding",
    "communities:manage_page",
    "communities:manage_themes",
    "communities:manage_theme_merge",
    "communities:manage_theme_rename",
    "communities:manage_theme_retire",
    "communities:manage_theme_restore",
}


@register("membership_pk")
def _membership_pk(community):
    from communities.models import Membership
    from tests.factories import UserFactory

    person = UserFactory(full_name=f"Requester {SECRET}")
    return Membership.objects.create(
        user=person, community=community, status=Membership.Status.PENDING, message=SECRET
    ).pk


@register("invitation_pk")
def _invitation_pk(community):
    import secrets
    from datetime import timedelta

    from django.utils import timezone

    from communities.models import Invitation

    return Invitation.objects.create(
        community=community,
        email="secret-7f3a@example.org",
        message=SECRET,
        key=secrets.token_urlsafe(32),
        expires_at=timezone.now() + timedelta(days=14),
    ).pk


# Knowledge (issue 5): members-visible items, files, revisions, answers, review rounds and collections.
def _knowledge_item(community):
    """Return the community's SECRET question (visible to its members only), made once per community."""
    from knowledge.models import KnowledgeItem
    from knowledge.services import item_create
    from tests.factories import make_member

    existing = KnowledgeItem.objects.filter(community=community, title=f"Question {SECRET}").first()
    if existing is not None:
        return existing
    return item_create(
        community=community,
        by=make_member(community),
        kind=KnowledgeItem.Kind.QUESTION,
        title=f"Question {SECRET}",
        summary=SECRET,
        body=f"Body {SECRET}",
        visibility=KnowledgeItem.Visibility.COMMUNITY,
        themes=[f"theme-{SECRET}"],
        publish=True,
    )


@register("knowledge_pk")
def _knowledge_pk(community):
    return _knowledge_item(community).pk


@register("revision_pk")
def _revision_pk(community):
    return _knowledge_item(community).revisions.order_by("number").first().pk


@register("answer_pk")
def _answer_pk(community):
    from knowledge.services import answer_create
    from tests.factories import make_member

    return answer_create(item=_knowledge_item(community), by=make_member(community), body=f"Answer {SECRET}").pk


@register("round_pk")
def _round_pk(community):
    from datetime import timedelta

    from django.utils import timezone

    from knowledge.models import ReviewRound
    from knowledge.services import review_round_request
    from tests.factories import make_member

    item = _knowledge_item(community)
    existing = ReviewRound.objects.filter(item=item).first()
    if existing is not None:
        return existing.pk
    return review_round_request(
        item=item,
        by=item.created_by,
        reviewers=[make_member(community)],
        due_date=timezone.localdate() + timedelta(days=7),
        message=f"Review {SECRET}",
    ).pk


@register("collection_pk")
def _collection_pk(community):
    from communities.models import Membership
    from knowledge.services import collection_add_item, collection_create
    from tests.factories import make_member

    editor = make_member(community, role=Membership.Role.COORDINATOR)
    collection = collection_create(
        community=community, by=editor, title=f"Collection {SECRET}", introduction=SECRET, visibility="community"
    )
    collection_add_item(collection=collection, item=_knowledge_item(community), by=editor)
    return collection.pk


@register("file_uuid")
def _file_uuid(community):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from knowledge.services import file_attach

    item = _knowledge_item(community)
    upload = SimpleUploadedFile(f"notes-{SECRET}.txt", f"Notes {SECRET}".encode(), content_type="text/plain")
    return file_attach(item=item, by=item.created_by, upload=upload).uuid


# Meetings (issue 4): a members-only meeting, with its online link, agenda, registration and series.
def _secret_meeting(community):
    """Return the community's SECRET members-only meeting (one per community, shared by every meeting parameter)."""
    from datetime import time, timedelta

    from django.utils import timezone

    from meetings.models import Meeting
    from meetings.recurrence import Frequency, SeriesRule
    from meetings.services import agenda_item_add, series_create

    existing = Meeting.objects.filter(community=community, title=f"Meeting {SECRET}").first()
    if existing is not None:
        return existing
    day = timezone.localdate() + timedelta(days=10)
    series = series_create(
        community=community,
        by=None,
        rule=SeriesRule(
            frequency=Frequency.WEEKLY,
            weekday=day.weekday(),
            start_time=time(11, 0),
            duration_minutes=60,
            time_zone="Europe/Rome",
            starts_on=day,
            until=day,
        ),
        title=f"Meeting {SECRET}",
        description=f"Agenda {SECRET}",
        kind=Meeting.Kind.STEERING_COMMITTEE,
        format=Meeting.Format.HYBRID,
        venue=f"Venue {SECRET}",
        online_url=f"https://meet.example.org/{SECRET}",
        visibility=Meeting.Visibility.MEMBERS,
        capacity=10,
    )
    meeting = series.meetings.get()
    agenda_item_add(meeting=meeting, by=None, title=f"Item {SECRET}", speaker=SECRET)
    return meeting


@register("meeting_pk")
def _meeting_pk(community):
    return _secret_meeting(community).pk


@register("series_pk")
def _series_pk(community):
    return _secret_meeting(community).series_id


@register("agenda_item_pk")
def _agenda_item_pk(community):
    return _secret_meeting(community).agenda_items.get().pk


@register("registration_pk")
def _registration_pk(community):
    from meetings.models import Registration
    from tests.factories import UserFactory, make_member

    person = make_member(community, UserFactory(full_name=f"Registrant {SECRET}"))
    return Registration.objects.create(meeting=_secret_meeting(community), user=person).pk


# Reports (issue 7): a community's reports open to its coordinators only; its open-data pages take no
# parameter of their own (one fixed address per file) and answer members-only communities' outsiders 404.
MANAGER_URL_NAMES.update({"reports:index", "reports:print", "reports:pdf"})
# Issue 15: counting the kept report tables again (POST) is the coordinators' too.
MANAGER_URL_NAMES.add("reports:recount")


# Notifications (issue 6): the coordinators' delivery log and the organisers' own reminders of a meeting
# (meeting_pk is registered above). Only coordinators (and the meeting's organisers) open them.
MANAGER_URL_NAMES |= {"notifications:deliveries", "notifications:meeting_reminders"}


# Discussions (issue 12): a SECRET thread with a reply (edited, so the history has a revision); the
# flags page is for the space's moderators (coordinators and facilitators).
def _secret_thread(community):
    """Return the community's SECRET thread (one per community, shared by thread_pk and post_pk)."""
    from discussions.models import Thread
    from discussions.services import post_edit, post_reply, thread_start
    from tests.factories import make_member

    existing = Thread.objects.filter(community=community, title=f"Thread {SECRET}").first()
    if existing is not None:
        return existing
    thread = thread_start(community=community, by=make_member(community), title=f"Thread {SECRET}", body=SECRET)
    author = make_member(community)
    reply = post_reply(thread=thread, by=author, body=f"Reply {SECRET}")
    post_edit(post=reply, by=author, body=f"Edited reply {SECRET}")
    return thread


@register("thread_pk")
def _thread_pk(community):
    return _secret_thread(community).pk


@register("post_pk")
def _post_pk(community):
    return _secret_thread(community).posts.filter(is_opening=False).get().pk


MANAGER_URL_NAMES.add("discussions:flags")


# Announcements (issue 12): a members-only announcement; only coordinators and facilitators open the form.
@register("announcement_pk")
def _announcement_pk(community):
    from communities.models import Membership
    from discussions.services import AudienceChoice, announcement_send
    from tests.factories import make_member

    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    return announcement_send(
        community=community,
        by=coordinator,
        audience=AudienceChoice(kind="community"),
        title=f"Announcement {SECRET}",
        body=f"Body {SECRET}",
    ).pk


MANAGER_URL_NAMES.add("announcements:new")


# Organisations (issue 13): an organisation a requester of the community proposed, awaiting verification.
@register("organization_pk")
def _organization_pk(community):
    from communities.models import Membership
    from members.models import Organization
    from tests.factories import UserFactory

    person = UserFactory(full_name=f"Proposer {SECRET}")
    proposal = Organization.objects.create(
        name=f"Proposed {SECRET} {community.slug}",
        kind="municipality",
        country="IT",
        is_verified=False,
        proposed_by=person,
    )
    person.organization = proposal
    person.save(update_fields=["organization"])
    Membership.objects.create(user=person, community=community, status=Membership.Status.PENDING)
    return proposal.pk


# The console's themes (issue 13): one theme of the community's vocabulary.
@register("theme_pk")
def _theme_pk(community):
    from communities.models import Theme

    return Theme.objects.create(community=community, name=f"Theme {SECRET}").pk


# Partners and reporting labels (issue 13): a SECRET organisation partnering the community under a SECRET
# role, labelled with a SECRET dimension's value. Every page and action is for coordinators only.
def _secret_partnership(community):
    """Return the community's SECRET partnership (one per community, shared by the partner parameters)."""
    from communities.models import DimensionValue, PartnerRole, Partnership, ReportingDimension
    from tests.factories import OrganizationFactory

    existing = Partnership.objects.filter(community=community, notes=SECRET).first()
    if existing is not None:
        return existing
    role = PartnerRole.objects.create(community=community, name=f"Role {SECRET}")
    dimension = ReportingDimension.objects.create(community=community, name=f"Dimension {SECRET}", slug="secret")
    value = DimensionValue.objects.create(dimension=dimension, name=f"Label {SECRET}", slug="secret")
    partnership = Partnership.objects.create(
        community=community, organization=OrganizationFactory(name=f"Partner {SECRET}"), role=role, notes=SECRET
    )
    partnership.dimension_values.add(value)
    return partnership


@register("partnership_pk")
def _partnership_pk(community):
    return _secret_partnership(community).pk


@register("role_pk")
def _role_pk(community):
    return _secret_partnership(community).role_id


@register("dimension_pk")
def _dimension_pk(community):
    return _secret_partnership(community).dimension_values.get().dimension_id


@register("value_pk")
def _value_pk(community):
    return _secret_partnership(community).dimension_values.get().pk


MANAGER_URL_NAMES |= {
    "communities:manage_partners",
    "communities:manage_partner_add",
    "communities:manage_partner_edit",
    "communities:manage_partner_end",
    "communities:manage_labels",
    "communities:manage_role_add",
    "communities:manage_role_rename",
    "communities:manage_role_move",
    "communities:manage_role_delete",
    "communities:manage_dimension_add",
    "communities:manage_dimension_rename",
    "communities:manage_dimension_move",
    "communities:manage_dimension_delete",
    "communities:manage_value_add",
    "communities:manage_value_rename",
    "communities:manage_value_move",
    "communities:manage_value_delete",
}


# Co-organisers of a meeting (issue 13): meeting_pk is registered above; only the people who organise the
# meeting by their role (coordinators, facilitators of its group) open the page, others get 404.
MANAGER_URL_NAMES |= {"meetings:coorganisers", "meetings:coorganiser_add", "meetings:coorganiser_remove"}
# The console's Groups pages (issue 13): group_slug and user_id are registered above; coordinators open
# them all (a facilitator opens the list and their own group's edit page, others get 404).
MANAGER_URL_NAMES |= {
    "communities:manage_groups",
    "communities:manage_group_new",
    "communities:manage_group_edit",
    "communities:manage_group_archive",
    "communities:manage_group_restore",
    "communities:manage_group_move",
    "communities:manage_group_facilitator_add",
    "communities:manage_group_facilitator_end",
}


# Registration forms (issue 16): a SECRET question on the SECRET meeting; the form builder and its
# question pages are the meeting's organisers' (coordinators open them); my-answers is a registrant's.
@register("question_pk")
def _question_pk(community):
    from meetings.models import Question
    from meetings.services import question_add

    meeting = _secret_meeting(community)
    existing = Question.objects.filter(meeting=meeting, label=f"Question {SECRET}").first()
    if existing is not None:
        return existing.pk
    return question_add(
        meeting=meeting, by=None, fields={"kind": "short_text", "label": f"Question {SECRET}", "help_text": SECRET}
    ).pk


MANAGER_URL_NAMES |= {
    "meetings:form_builder",
    "meetings:form_builtin",
    "meetings:question_edit",
    "meetings:question_move",
    "meetings:question_delete",
    "meetings:registrations_xlsx",
}
# Issue 16, series and bulk: following a series and skipping one of its meetings take the series_pk and
# meeting_pk above; adding meetings to a series and the bulk invitation page are for its organisers.
MANAGER_URL_NAMES |= {"meetings:series_extend", "meetings:bulk"}


# Follow-up (issue 16): the action register of a community (its actions come from the meetings the
# viewer may see) and an action's status; a meeting's certificates page is its organisers' (coordinators
# here), a participant's own certificate PDF (a member without one is sent back to the meeting page).
@register("action_pk")
def _action_pk(community):
    from meetings.models import ActionItem

    meeting = _secret_meeting(community)
    item = ActionItem.objects.filter(meeting=meeting).first()
    return (item or ActionItem.objects.create(meeting=meeting, description=f"Action {SECRET}", owner_name=SECRET)).pk


MANAGER_URL_NAMES.add("meetings:certificates")
# Applications (issue 16): registration_pk (above) fills the review page; the applications list, the review
# page, setup and decisions are for the meeting's reviewers and organisers (everyone else gets 404); apply,
# my-application, withdraw and confirm are each visitor's own (a meeting not taking applications redirects).
MANAGER_URL_NAMES |= {
    "meetings:applications",
    "meetings:applications_setup",
    "meetings:applications_decide",
    "meetings:application_review",
}


# Content translations (issue 17): the form of one object and language (a SECRET meeting of the
# community, into Italian: the walk's communities speak English and Italian), and the coordinators'
# list of missing translations. Only those who may edit the object (coordinators) open the form.
@register("kind")
def _translation_kind(community):
    return "meeting"


@register("object_id")
def _translation_object_id(community):
    return _secret_meeting(community).pk


@register("language")
def _translation_language(community):
    return "it"


MANAGER_URL_NAMES |= {"translations:edit", "translations:missing"}


# Webhooks (issue 18): a SECRET endpoint of the community with one SECRET delivery in its log. Every
# page and action is for coordinators only (anyone else gets 404).
def _secret_webhook(community):
    """Return the community's SECRET webhook endpoint (one per community, shared by the webhook parameters)."""
    import uuid

    from communities.models import WebhookDelivery, WebhookEndpoint

    existing = WebhookEndpoint.objects.filter(community=community, description=SECRET).first()
    if existing is not None:
        return existing
    endpoint = WebhookEndpoint.objects.create(
        community=community, url=f"https://hooks.example.org/{SECRET}", description=SECRET, events=["member.joined"]
    )
    event_id = uuid.uuid4()
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id=event_id,
        event_type="member.joined",
        payload={"id": str(event_id), "type": "member.joined", "data": {"person": {"name": SECRET}}},
        state=WebhookDelivery.State.FAILED,
        attempts=6,
        retries=6,
        last_error=SECRET,
    )
    return endpoint


@register("webhook_pk")
def _webhook_pk(community):
    return _secret_webhook(community).pk


@register("delivery_pk")
def _delivery_pk(community):
    return _secret_webhook(community).deliveries.get().pk


MANAGER_URL_NAMES |= {
    "communities:manage_webhooks",
    "communities:manage_webhook_add",
    "communities:manage_webhook",
    "communities:manage_webhook_disable",
    "communities:manage_webhook_enable",
    "communities:manage_webhook_rotate",
    "communities:manage_webhook_delete",
    "communities:manage_webhook_redeliver",
}

# The REST API (issue 18): every /api/v1/communities/<slug>/... endpoint is walked like the pages, with the
# session (tests/api/test_isolation_api.py walks them again with tokens). A community's API card is its
# landing page's (name, tagline; anyone who may find the community); deciding on requests is for coordinators.
LANDING_URL_NAMES.add("api:community")
MANAGER_URL_NAMES |= {"api:membership", "api:membership_approve", "api:membership_decline"}
# Writes of issue 18's second part: cancelling a meeting is for its organisers, publishing an item for its
# editors (a coordinator is both; the member of the walk may see neither the draft nor the organiser's action).
MANAGER_URL_NAMES |= {"api:meeting_cancel", "api:knowledge_publish"}
