"""The list of threads, starting a thread, a thread's page and replying."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from communities import permissions
from communities.access import deny, door
from communities.models import Group
from communities.selectors import memberships_of
from members.ids import parse_id

from .. import selectors, services
from ..forms import ReplyForm, ThreadForm
from ..models import Post
from ._common import post_url, refuse, visible_thread

THREADS_PER_PAGE = 25
FILTERS = ("unread", "mine", "unanswered")


@door("content")
def thread_list(request, community):
    """List the threads of the community and its groups, filtered by group and by unread / mine / unanswered."""
    user = request.user
    group = None
    group_slug = request.GET.get("group", "")
    if group_slug:
        group = Group.objects.visible_to(user).filter(community=community, slug=group_slug).first()
    show = request.GET.get("filter", "")
    if show not in FILTERS:
        show = ""
    threads = selectors.thread_list(user=user, community=community, group=group, show=show)
    page = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    kept = {"group": group.slug if group else "", "filter": show}
    query = urlencode({key: value for key, value in kept.items() if value})
    context = {
        "community": community,
        "page": page,
        "threads": page.object_list,
        "groups": Group.objects.visible_to(user).filter(community=community).in_order(),
        "current_group": group,
        "current_filter": show,
        "query": query,
        "filtered": bool(group or show),
        "can_start": permissions.is_active_member(user, community),
        "can_moderate_any": user.is_authenticated and permissions.manages_any_group(user, community),
    }
    return render(request, "discussions/thread_list.html", context)


@door("member")
def thread_create(request, community):
    """Start a thread in the community or one of the groups the person may write in."""
    user = request.user
    if request.method == "POST":
        form = ThreadForm(request.POST, community=community, user=user)
        if form.is_valid():
            try:
                thread = services.thread_start(
                    community=community,
                    by=user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    group=form.cleaned_data["group"],
                    language=form.cleaned_data["language"],
                )
            except services.DiscussionError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your thread is open."))
                return redirect(thread)
    else:
        initial = {}
        if request.GET.get("group"):
            initial["group"] = request.GET["group"]
        form = ThreadForm(initial=initial, community=community, user=user)
    return render(request, "discussions/thread_form.html", {"community": community, "form": form})


def _quote(request, thread) -> str:
    """Return the reply text that quotes the post named by ?quote= (a post of this thread whose text is shown)."""
    quote_pk = parse_id(request.GET.get("quote"))
    if quote_pk is None:
        return ""
    post = Post.objects.shown().filter(thread=thread, pk=quote_pk).select_related("author").first()
    if post is None:
        return ""
    name = post.author.get_full_name() if post.author else _("Someone")
    lines = [_("%(name)s wrote:") % {"name": name}, *post.body.splitlines()]
    return "\n".join(f"> {line}".rstrip() for line in lines) + "\n\n"


@door("content")
def thread_detail(request, community, thread_pk):
    """Show a thread: its posts in order, a page at a time, the reply form; mark what was shown as read."""
    user = request.user
    thread = visible_thread(request, community, thread_pk, with_read_state=True)
    read_state = selectors.read_state_of(thread, user)
    if thread.group_id:
        thread.group.community = thread.community  # the group's link needs the community's slug: no query
        # One read of the person's memberships here answers can_post_in's two membership questions.
        memberships_of(user=user, community=community)
    posts = (
        Post.objects.filter(thread=thread)
        .select_related("author", "author__organization", "hidden_by")
        .order_by("created_at", "pk")
    )
    page = Paginator(posts, selectors.POSTS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    first_unread = selectors.first_unread_post(user=user, thread=thread, state=read_state)
    first_unread_url = post_url(first_unread) if first_unread is not None else ""
    services.thread_mark_read(user=user, thread=thread, post=shown[-1] if shown else None, state=read_state)
    can_post = permissions.can_post_in(user, community, thread.group)
    moderator = services.can_moderate(user, thread)
    may_reply = can_post and (not thread.closed or moderator)
    reply_form = ReplyForm(initial={"body": _quote(request, thread)}) if may_reply else None
    context = {
        "community": community,
        "thread": thread,
        "page": page,
        "posts": shown,
        "first_unread_url": first_unread_url,
        "reply_form": reply_form,
        "can_post": can_post,
        "is_moderator": moderator,
        "is_member": permissions.is_active_member(user, community),
    }
    return render(request, "discussions/thread_detail.html", context)


@door("content")
def thread_reply(request, community, thread_pk):
    """Add a reply at the end of the thread; a refused or empty reply changes nothing."""
    if not request.user.is_authenticated:
        return deny(request)
    thread = visible_thread(request, community, thread_pk)
    if request.method != "POST":
        return redirect(thread)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your reply first."))
        return redirect(f"{thread.get_absolute_url()}#reply")
    try:
        post = services.post_reply(
            thread=thread, by=request.user, body=form.cleaned_data["body"], language=form.cleaned_data["language"]
        )
    except services.DiscussionError as error:
        return refuse(request, error, thread.get_absolute_url())
    messages.success(request, _("Your reply was posted."))
    return redirect(post_url(post))
