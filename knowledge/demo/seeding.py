"""Write the demo knowledge: items and their versions, conversations, collections, review rounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from communities.models import Community, Group, Membership
from members.models import Organization, User

from .. import services
from ..models import Collection, KnowledgeItem, ReviewRound
from ..services import AuthorSpec
from .curation import COLLECTIONS, REVIEWS
from .items import ITEMS, DemoItem, V
from .translations import TRANSLATIONS


class _People:
    def __init__(self):
        self._users = {u.email: u for u in User.objects.filter(email__endswith="@cop.demo")}
        self._members: dict[int, set[int]] = {}

    def member_ids(self, community: Community) -> set[int]:
        if community.pk not in self._members:
            self._members[community.pk] = set(
                Membership.objects.active()
                .community_level()
                .filter(community=community)
                .values_list("user_id", flat=True)
            )
        return self._members[community.pk]

    def member(self, email: str, community: Community) -> User | None:
        user = self._users.get(email)
        return user if user is not None and user.pk in self.member_ids(community) else None

    def fallback(self, community: Community) -> User | None:
        return self.member(f"coordinator.{community.slug}@cop.demo", community)


def _date(value: str | None):
    if value is None:
        return None
    return datetime.fromisoformat(value).replace(hour=9, tzinfo=UTC)


def _item(spec: DemoItem, community: Community, people: _People) -> KnowledgeItem | None:
    slug = slugify(spec.title, allow_unicode=True)[:200].strip("-")
    existing = KnowledgeItem.objects.filter(community=community, slug=slug).first()
    original = None
    if spec.translation_of:
        original = KnowledgeItem.objects.filter(community=community, title=spec.translation_of).first()
        if original is None:
            return None  # its original was not seeded: no translation of nothing
        original = KnowledgeItem.objects.get(pk=original.translation_root_id)
    if existing is not None:
        if original is not None and existing.translation_of_id is None and existing.pk != original.pk:
            coordinator = people.fallback(community)
            if coordinator is not None:  # seeded before translations existed: link it now
                services.item_translation_link(item=original, other=existing, by=coordinator)
        return existing
    authors = []
    for author in spec.authors:
        if isinstance(author, tuple):
            authors.append(AuthorSpec(name=author[0], affiliation=author[1]))
        elif (user := people.member(author, community)) is not None:
            authors.append(AuthorSpec(user=user))
    creator = next((a.user for a in authors if a.user is not None), None) or people.fallback(community)
    if creator is None:
        return None
    group = Group.objects.filter(community=community, slug=spec.group).first() if spec.group else None
    visibility = spec.visibility
    if visibility == V.GROUP and group is None:
        visibility = V.COMMUNITY
    meeting = None
    if spec.meeting:
        from meetings.models import Meeting

        meeting = Meeting.objects.filter(community=community, uid=f"demo-{spec.meeting}@cop-portal").first()
    item = services.item_create(
        community=community,
        by=creator,
        kind=spec.kind,
        title=spec.title,
        summary=spec.summary,
        body=spec.body,
        language=spec.language,
        visibility=visibility,
        group=group,
        themes=spec.themes,
        organizations=list(Organization.objects.filter(name__in=spec.organizations)),
        meeting=meeting,
        licence=spec.licence,
        links=spec.links,
        authors=authors or None,
        publish=spec.published is not None,
        translation_of=original,
    )
    if spec.published:
        KnowledgeItem.objects.filter(pk=item.pk).update(published_at=_date(spec.published))
        item.published_at = _date(spec.published)
    return item


def _conversation(spec: DemoItem, item: KnowledgeItem, people: _People) -> None:
    community = item.community
    if spec.files and not item.files.exists():
        for name, text in spec.files:
            upload = SimpleUploadedFile(name, text.encode(), content_type="text/plain")
            services.file_attach(item=item, by=item.created_by, upload=upload)
    if spec.comments and not item.comments.exists():
        for email, text in spec.comments:
            if (user := people.member(email, community)) is not None:
                services.comment_create(by=user, item=item, body=text)
    if spec.answers and not item.answers.exists():
        answers = [
            services.answer_create(item=item, by=user, body=text)
            for email, text in spec.answers
            if (user := people.member(email, community)) is not None
        ]
        if answers and item.created_by is not None:
            services.answer_accept(answer=answers[0], by=item.created_by)


def _collection(spec: dict, people: _People) -> None:
    community = Community.objects.filter(slug=spec["community"]).first()
    if community is None:
        return
    editor = people.member(spec["editor"], community) or people.fallback(community)
    coordinator = people.fallback(community)
    if editor is None or coordinator is None:
        return
    slug = slugify(spec["title"], allow_unicode=True)[:200].strip("-")
    collection = Collection.objects.filter(community=community, slug=slug).first()
    if collection is None:
        collection = services.collection_create(
            community=community,
            by=coordinator,
            title=spec["title"],
            introduction=spec["introduction"],
            visibility=spec["visibility"],
            editor=editor,
        )
    for title in spec["items"]:
        item = KnowledgeItem.objects.filter(community=community, title=title).first()
        if item is not None:
            services.collection_add_item(collection=collection, item=item, by=coordinator)


def _review(spec: dict, people: _People) -> None:
    slug, title = spec["item"]
    item = KnowledgeItem.objects.filter(community__slug=slug, title=title).select_related("community").first()
    if item is None or item.created_by is None or ReviewRound.objects.filter(item=item).exists():
        return
    community = item.community
    reviewers = [u for e in spec["reviewers"] if (u := people.member(e, community)) is not None]
    organizations = list(Organization.objects.filter(name__in=spec["organizations"]))
    if not reviewers and not organizations:
        return
    review_round = services.review_round_request(
        item=item,
        by=item.created_by,
        reviewers=reviewers,
        organizations=organizations,
        due_date=timezone.localdate() + timedelta(days=21),
        message=spec["message"],
    )
    for reviewer in reviewers:
        answer = spec["reviews"].get(reviewer.email)
        if answer:
            strengths, weaknesses, recommendations, opinion = answer
            services.review_submit(
                review_round=review_round,
                by=reviewer,
                strengths=strengths,
                weaknesses=weaknesses,
                recommendations=recommendations,
                opinion=opinion,
            )
    if spec["response"] and review_round.reviews.exists():
        services.review_respond(review_round=review_round, by=item.created_by, response=spec["response"])


def seed_knowledge() -> dict[str, int]:
    """Create the demo knowledge; return how many items, collections and review rounds exist afterwards."""
    people = _People()
    with transaction.atomic(), services.notifications_muted():
        for spec in [*ITEMS, *TRANSLATIONS]:
            community = Community.objects.filter(slug=spec.community).first()
            if community is None:
                continue
            item = _item(spec, community, people)
            if item is not None:
                _conversation(spec, item, people)
        for spec in COLLECTIONS:
            _collection(spec, people)
        for spec in REVIEWS:
            _review(spec, people)
    return {
        "items": KnowledgeItem.objects.filter(community__slug__in={s.community for s in ITEMS}).count(),
        "translations": KnowledgeItem.objects.filter(translation_of__isnull=False).count(),
        "collections": Collection.objects.count(),
        "review_rounds": ReviewRound.objects.count(),
    }
