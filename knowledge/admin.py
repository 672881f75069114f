"""Admin for knowledge: curators read, publish or unpublish, and delete; edits go through the site.

Items, authors, collections and review rounds are written by knowledge.services (revisions,
grants and notices come with them), so here they are read-only; the actions call the same
services as the site.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.admin import ReadOnlyAdminMixin

from . import services
from .models import (
    Answer,
    Collection,
    CollectionEntry,
    Comment,
    Follow,
    ItemAuthor,
    ItemFile,
    KnowledgeItem,
    Review,
    ReviewRound,
    Revision,
)


def _apply(model_admin, request, service, objects, *, key: str, done_message) -> None:
    """Call service(**{key: obj}, by=request.user) for each object; report how many changed and every refusal."""
    done = 0
    for obj in objects:
        try:
            service(**{key: obj}, by=request.user)
        except (PermissionDenied, ValidationError) as error:
            text = " ".join(getattr(error, "messages", None) or [str(error)])
            model_admin.message_user(request, f"{obj}: {text}", messages.ERROR)
        else:
            done += 1
    model_admin.message_user(request, done_message(done) % {"count": done}, messages.SUCCESS)


class ItemAuthorInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ItemAuthor
    extra = 0
    can_delete = False
    raw_id_fields = ["user"]


class ItemFileInline(admin.TabularInline):
    model = ItemFile
    extra = 0
    fields = ["original_name", "content_type", "size", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(KnowledgeItem)
class KnowledgeItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Curating in the admin reads, publishes and deletes; edits go through the site so revisions are kept."""

    list_display = ["title", "community", "kind", "status", "visibility", "published_at"]
    list_filter = ["community", "kind", "status", "visibility", "language"]
    search_fields = ["title", "summary"]
    inlines = [ItemAuthorInline, ItemFileInline]
    actions = ["publish_selected", "unpublish_selected"]

    def delete_model(self, request, obj):
        services.item_delete(item=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for item in queryset:
            services.item_delete(item=item, by=request.user)

    @admin.action(description=_("Publish selected items"), permissions=["delete"])
    def publish_selected(self, request, queryset):
        _apply(
            self,
            request,
            services.item_publish,
            queryset,
            key="item",
            done_message=lambda n: ngettext("Published %(count)d item.", "Published %(count)d items.", n),
        )

    @admin.action(description=_("Take selected items back to draft"), permissions=["delete"])
    def unpublish_selected(self, request, queryset):
        _apply(
            self,
            request,
            services.item_unpublish,
            queryset,
            key="item",
            done_message=lambda n: ngettext(
                "Took %(count)d item back to draft.", "Took %(count)d items back to draft.", n
            ),
        )


class CollectionEntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CollectionEntry
    extra = 0
    can_delete = False
    raw_id_fields = ["item"]


@admin.register(Collection)
class CollectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "community", "editor", "visibility"]
    list_filter = ["community"]
    inlines = [CollectionEntryInline]

    def delete_model(self, request, obj):
        services.collection_delete(collection=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for collection in queryset:
            services.collection_delete(collection=collection, by=request.user)


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["item", "state", "due_date", "requested_by"]
    list_filter = ["state"]
    actions = ["cancel_selected"]

    @admin.action(description=_("Cancel selected open review rounds"), permissions=["delete"])
    def cancel_selected(self, request, queryset):
        _apply(
            self,
            request,
            services.review_round_cancel,
            queryset.filter(state=ReviewRound.State.OPEN).select_related("item__community"),
            key="review_round",
            done_message=lambda n: ngettext(
                "Cancelled %(count)d review round.", "Cancelled %(count)d review rounds.", n
            ),
        )


class LedgerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Reviews and revisions are the record of what happened: read-only, never deleted on their own.

    They still go with the item they record (has_delete_permission stays, so deleting an
    item is not blocked by its history).
    """

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied


class ModeratedAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Comments and answers: read, and removed through the moderation services when they must go."""

    def remove(self, obj, by) -> None:
        raise NotImplementedError

    def delete_model(self, request, obj):
        self.remove(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.remove(obj, request.user)


@admin.register(Comment)
class CommentAdmin(ModeratedAdmin):
    def remove(self, comment, by):
        services.comment_remove(comment=comment, by=by)


@admin.register(Answer)
class AnswerAdmin(ModeratedAdmin):
    def remove(self, answer, by):
        services.answer_remove(answer=answer, by=by)


class FollowAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A follow is the person's own choice: read here, changed only by the person on the site."""

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Review, LedgerAdmin)
admin.site.register(Revision, LedgerAdmin)
admin.site.register(Follow, FollowAdmin)
