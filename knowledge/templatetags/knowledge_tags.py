"""What knowledge adds to pages of lower apps (a meeting page shows its comments and its knowledge).

The meeting page does not load this library (meetings is a layer below): knowledge registers
meeting_page_section with communities' hooks (see apps.py), and the page's {% meeting_sections %}
renders it. Pages of cop_portal may still load it:

    {% load knowledge_tags %}
    {% meeting_comments meeting %}
    {% meeting_knowledge meeting %}
"""

from __future__ import annotations

from django import template
from django.template.context_processors import csrf
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from ..forms import CommentForm
from ..models import Comment, KnowledgeItem
from ..selectors import is_active_member

register = template.Library()


@register.inclusion_tag("knowledge/partials/_comments.html", takes_context=True)
def meeting_comments(context, meeting):
    """Render the comments on meeting and, for members, the form to add one (two queries)."""
    request = context["request"]
    user = request.user
    comments = (
        Comment.objects.on_meeting_visible_to(meeting, user)
        .select_related("author", "author__organization")
        .order_by("created_at", "pk")
    )
    member = is_active_member(user=user, community=meeting.community)
    return {
        "request": request,
        "user": user,
        "comments": list(comments),
        "comment_form": CommentForm() if member else None,
        "comment_action": reverse(
            "knowledge:meeting_comment_create",
            kwargs={"community_slug": meeting.community.slug, "meeting_pk": meeting.pk},
        ),
        "login_next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("knowledge/partials/_meeting_knowledge.html", takes_context=True)
def meeting_knowledge(context, meeting):
    """Render the items that came from meeting and that the viewer may see (one query, two with authors)."""
    request = context["request"]
    items = (
        KnowledgeItem.objects.visible_to(request.user)
        .filter(meeting=meeting)
        .for_list()
        .order_by("-published_at", "-pk")
    )
    return {"request": request, "user": request.user, "items": list(items), "community": meeting.community}


def meeting_page_section(*, request, meeting) -> str:
    """Render the meeting's knowledge, then its comments, for the meeting page (through communities' hooks)."""
    context = {"request": request, **csrf(request)}
    return render_to_string(
        "knowledge/partials/_meeting_knowledge.html", meeting_knowledge(context, meeting), request=request
    ) + render_to_string("knowledge/partials/_comments.html", meeting_comments(context, meeting), request=request)


@register.filter
def title_in_language(item):
    """Return item's title marked with its language and direction, for a title quoted inside a translated sentence.

    {% blocktranslate with title=item|title_in_language %}: the sentence keeps the interface's
    language, the title its own (HTML email and pages; plain text uses |isolate).
    """
    return format_html('<bdi lang="{}" dir="{}">{}</bdi>', item.language, item.direction, item.title)
