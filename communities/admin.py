from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import Community, Group, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "group"]
    fields = ["user", "group", "role", "status", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Community)
class CommunityAdmin(GuardedModelAdmin):
    list_display = ["name", "slug", "visibility", "join_policy", "default_language", "domain"]
    list_filter = ["visibility", "join_policy", "default_language"]
    search_fields = ["name", "slug", "tagline"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Group)
class GroupAdmin(GuardedModelAdmin):
    list_display = ["name", "community", "kind", "join_policy"]
    list_filter = ["community", "kind", "join_policy"]
    search_fields = ["name", "slug", "community__name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "group", "role", "status", "created_at", "decided_at"]
    list_filter = ["community", "role", "status"]
    search_fields = ["user__email", "user__full_name", "community__name", "group__name"]
    autocomplete_fields = ["user", "community", "group"]
    list_select_related = ["user", "community", "group"]
