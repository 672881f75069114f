"""What the API shows of each object, and the input it takes for writes (then given to a service).

Output serializers are read-only views of rows that came through the scoped querysets. Input
serializers only check shapes (types, lengths, choices); the rules (who may, capacity, deadlines,
policies) stay in the services, whose ValidationError answers 400 in the one error shape.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from communities.models import Community, Group, Membership
from discussions.models import Announcement, Post, Thread
from knowledge.models import KnowledgeItem
from meetings.models import Meeting, Registration

from .models import ApiToken


class PersonSerializer(serializers.Serializer):
    """A person as others see them in a list: the id and the name they gave (never their address)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="full_name", read_only=True)


class CommunitySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Community
        fields = ["slug", "name", "tagline", "visibility", "join_policy", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class GroupSerializer(serializers.ModelSerializer):
    archived = serializers.SerializerMethodField()

    class Meta:
        model = Group
        fields = ["id", "slug", "name", "kind", "description", "language", "visibility", "join_policy", "archived"]
        read_only_fields = fields

    def get_archived(self, obj) -> bool:
        return obj.archived_at is not None


class MembershipSerializer(serializers.ModelSerializer):
    person = PersonSerializer(source="user", read_only=True)
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "person", "group", "role", "status", "message", "decision_reason", "created_at", "decided_at"]
        read_only_fields = fields


class MeSerializer(PersonSerializer):
    email = serializers.EmailField(read_only=True)


class MembershipJoinSerializer(serializers.Serializer):
    community = serializers.SlugField(help_text="The community's slug.")
    group = serializers.SlugField(required=False, allow_blank=True, help_text="A group's slug; empty: the community.")
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class MeetingSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    seats_taken = serializers.IntegerField(read_only=True)
    my_registration = serializers.CharField(source="my_status", read_only=True, allow_null=True, default=None)
    online_url = serializers.SerializerMethodField(help_text="Shown only to registered people and organisers.")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "description",
            "kind",
            "format",
            "language",
            "start",
            "end",
            "time_zone",
            "venue",
            "city",
            "group",
            "capacity",
            "seats_taken",
            "registration_policy",
            "registration_deadline",
            "visibility",
            "status",
            "my_registration",
            "online_url",
        ]
        read_only_fields = fields

    def get_online_url(self, obj) -> str | None:
        if getattr(obj, "my_status", None) == Registration.Status.REGISTERED or getattr(obj, "may_manage", False):
            return obj.online_url or None
        return None


class RegistrationSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, allow_null=True)
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    status = serializers.ChoiceField(
        choices=Registration.Status.choices, read_only=True, allow_null=True, help_text="null: not registered."
    )

    class Meta:
        model = Registration
        fields = ["id", "meeting", "status", "attendance_mode", "position"]
        read_only_fields = fields


class RegistrationInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        required=False, help_text="The registration form's answers, by field name (as on the meeting's form)."
    )


THEMES_HELP = "Theme names (on a change, the item's themes become these); the limits are the item form's."


class KnowledgeItemSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    authors = serializers.SerializerMethodField()
    themes = serializers.SerializerMethodField()

    class Meta:
        model = KnowledgeItem
        fields = [
            "id",
            "kind",
            "title",
            "summary",
            "body",
            "language",
            "group",
            "visibility",
            "status",
            "licence",
            "authors",
            "themes",
            "created_at",
            "published_at",
        ]
        read_only_fields = fields

    def get_authors(self, obj) -> list[str]:
        return [author.name or (author.user.full_name if author.user else "") for author in obj.authorships.all()]

    def get_themes(self, obj) -> list[str]:
        return sorted(theme.name for theme in obj.themes.all())


class KnowledgeItemInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KnowledgeItem.Kind.choices)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    body = serializers.CharField(required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    visibility = serializers.ChoiceField(
        choices=KnowledgeItem.Visibility.choices, required=False, default=KnowledgeItem.Visibility.COMMUNITY
    )
    group = serializers.SlugField(required=False, allow_blank=True)
    publish = serializers.BooleanField(required=False, default=False)
    themes = serializers.ListField(child=serializers.CharField(), required=False, help_text=THEMES_HELP)


class ThreadSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    started_by = PersonSerializer(source="created_by", read_only=True)

    class Meta:
        model = Thread
        fields = [
            "id",
            "title",
            "group",
            "language",
            "started_by",
            "pinned",
            "closed",
            "reply_count",
            "created_at",
            "last_post_at",
        ]
        read_only_fields = fields


class ThreadInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    group = serializers.SlugField(required=False, allow_blank=True)


class PostSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True)
    body = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "author", "body", "language", "is_opening", "created_at", "edited_at"]
        read_only_fields = fields

    def get_body(self, obj) -> str:
        """Return the text, or "" for a post its author deleted or a moderator hid (a placeholder, as on the page)."""
        return "" if (obj.deleted_at or obj.hidden_at) else obj.body


class PostInputSerializer(serializers.Serializer):
    body = serializers.CharField()


class AnnouncementSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Announcement
        fields = ["id", "title", "body", "language", "audience", "group", "created_at"]
        read_only_fields = fields


class AnnouncementInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    group = serializers.SlugField(required=False, allow_blank=True, help_text="Send to one group's members only.")


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["prefix", "name", "scope", "created_at", "last_used_at"]
        read_only_fields = fields


def _choices_of(model, field: str):
    return model._meta.get_field(field).choices


class GroupInputSerializer(serializers.Serializer):
    """A group's fields for group_create (POST: name required) and group_update (PATCH: any of them)."""

    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=_choices_of(Group, "kind"), required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, allow_blank=True)
    join_policy = serializers.ChoiceField(choices=_choices_of(Group, "join_policy"), required=False)
    visibility = serializers.ChoiceField(choices=_choices_of(Group, "visibility"), required=False)


class MembershipRoleSerializer(serializers.Serializer):
    """The member's new role (a group's: member or facilitator)."""

    role = serializers.ChoiceField(choices=Membership.Role.choices)


class KnowledgeItemUpdateSerializer(serializers.Serializer):
    """The fields of an item to change (PATCH: only those sent change)."""

    kind = serializers.ChoiceField(choices=KnowledgeItem.Kind.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    visibility = serializers.ChoiceField(choices=KnowledgeItem.Visibility.choices, required=False)
    themes = serializers.ListField(child=serializers.CharField(), required=False, help_text=THEMES_HELP)


class MeetingInputSerializer(serializers.Serializer):
    """A meeting's fields for meeting_schedule (POST) and meeting_update (PATCH: only those sent change).

    Times are ISO 8601 moments with an offset; the service checks the rest (end after start, the zone...).
    """

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices, required=False)
    format = serializers.ChoiceField(choices=Meeting.Format.choices)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    time_zone = serializers.CharField(max_length=64)
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    online_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    registration_policy = serializers.ChoiceField(choices=Meeting.RegistrationPolicy.choices, required=False)
    registration_deadline = serializers.DateTimeField(required=False, allow_null=True)
    visibility = serializers.ChoiceField(choices=Meeting.Visibility.choices, required=False)
    group = serializers.SlugField(required=False, allow_blank=True, help_text="A group's slug (POST only).")
