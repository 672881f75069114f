from django.contrib import admin
from guardian.admin import GuardedModelAdmin

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


class ItemAuthorInline(admin.TabularInline):
    model = ItemAuthor
    extra = 0
    raw_id_fields = ["user"]


class ItemFileInline(admin.TabularInline):
    model = ItemFile
    extra = 0
    fields = ["original_name", "content_type", "size", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(KnowledgeItem)
class KnowledgeItemAdmin(GuardedModelAdmin):
    """Curating in the admin reads and deletes; edits go through the site so revisions are kept."""

    list_display = ["title", "community", "kind", "status", "visibility", "published_at"]
    list_filter = ["community", "kind", "status", "visibility", "language"]
    search_fields = ["title", "summary"]
    raw_id_fields = ["created_by", "group"]
    readonly_fields = ["body_html", "created_at", "updated_at"]
    inlines = [ItemAuthorInline, ItemFileInline]


class CollectionEntryInline(admin.TabularInline):
    model = CollectionEntry
    extra = 0
    raw_id_fields = ["item"]


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "editor", "visibility"]
    list_filter = ["community"]
    raw_id_fields = ["editor"]
    inlines = [CollectionEntryInline]


@admin.register(ReviewRound)
class ReviewRoundAdmin(admin.ModelAdmin):
    list_display = ["item", "state", "due_date", "requested_by"]
    list_filter = ["state"]
    raw_id_fields = ["item", "requested_by", "reviewers", "responded_by"]


admin.site.register(Review)
admin.site.register(Revision)
admin.site.register(Comment)
admin.site.register(Answer)
admin.site.register(Follow)
