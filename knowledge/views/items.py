"""Item pages: the list, an item, the item form, publishing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communities.access import NotVisible, door
from communities.models import Group
from members.pagination import BoundedPaginator

from .. import list_cache, services
from ..forms import (
    AnswerForm,
    AuthorFormSet,
    CommentForm,
    ItemFilterForm,
    ItemForm,
    UploadForm,
    add_service_errors,
    author_initial,
    community_members,
)
from ..models import ItemAuthor, KnowledgeItem
from ..selectors import (
    can_edit_item,
    is_active_member,
    is_following,
    item_for_page,
    item_page_answers,
    item_translations,
    list_facets,
)
from ._common import _refuse, _visible_item

PAGE_SIZE = 20
# The list counts at most this many items past the page shown ("more than N items").
LIST_REACH = 1000
LIST_ORDER = ("-published_at", "-created_at", "-pk")  # knowledge_item_list_idx's order


@door("content")
def item_list(request, community):
    """List the items the viewer may see, filtered by kind, theme, group, language, author, organisation, date."""
    groups = Group.objects.visible_to(request.user).filter(community=community).in_order()
    form = ItemFilterForm(request.GET or None, groups=groups, **list_facets(user=request.user, community=community))
    order = LIST_ORDER
    visible = form.apply(KnowledgeItem.objects.visible_in(request.user, community))
    number = request.GET.get("page")
    # The page's ids are found first (an index-only scan of knowledge_item_list_idx), then its rows
    # read by id, in the same query: the scan skips the rows the viewer may not see in the index.
    page = BoundedPaginator(
        visible.order_by(*order).values("pk"),
        PAGE_SIZE,
        number=number,
        reach=LIST_REACH,
        counted=lambda rows: list_cache.remembered(community.pk, "count", *rows.query.sql_with_params(), rows.count),
    )
    page = page.get_page(number)
    items = KnowledgeItem.objects.filter(pk__in=page.object_list).for_list().order_by(*order)
    query = request.GET.copy()
    query.pop("page", None)
    followed_group = None
    if form.is_bound and form.is_valid() and form.cleaned_data.get("group"):
        followed_group = groups.filter(slug=form.cleaned_data["group"]).first()
    context = {
        "community": community,
        "form": form,
        "page": page,
        "followed_group": followed_group,
        "following_group": bool(followed_group) and is_following(user=request.user, group=followed_group),
        "items": list(items),
        "query": query.urlencode(),
        "filtered": bool(form.is_bound and any(v for k, v in request.GET.items() if k != "page")),
        "is_member": is_active_member(user=request.user, community=community),
    }
    return render(request, "knowledge/item_list.html", context)


@door("content")
def item_detail(request, community, knowledge_pk):
    item = item_for_page(user=request.user, community=community, knowledge_pk=knowledge_pk)
    if item is None:
        raise NotVisible
    answers = item_page_answers(user=request.user, item=item)
    member, can_edit = answers["is_member"], answers["can_edit"]
    context = {
        "community": community,
        "item": item,
        "authors": item.authorships.all(),
        "files": item.files.all(),
        "comments": item.comments.all(),
        "answers": item.answers.all() if item.is_question else [],
        "rounds": item.review_rounds.all(),
        "collections": [entry.collection for entry in item.collection_entries.all()],
        "translations": item_translations(user=request.user, item=item),
        **answers,
        "comment_form": CommentForm() if member else None,
        "answer_form": AnswerForm() if member and item.is_question and item.is_published else None,
        "upload_form": UploadForm() if can_edit else None,
    }
    return render(request, "knowledge/item_detail.html", context)


def _item_form_context(request, community, *, form, formset, item=None):
    return {"community": community, "form": form, "formset": formset, "item": item}


def _save_item(request, community, form, formset, item=None):
    """Create or update the item and attach the file in one transaction; return it, or None with errors shown."""
    fields = form.service_fields()
    publish = request.POST.get("action") == "publish"
    try:
        with transaction.atomic():
            if item is None:
                item = services.item_create(
                    community=community,
                    by=request.user,
                    themes=form.cleaned_data["themes"],
                    organizations=form.cleaned_data["organizations"],
                    authors=formset.authors(),
                    publish=publish,
                    **fields,
                )
            else:
                item = services.item_update(
                    item=item,
                    by=request.user,
                    themes=form.cleaned_data["themes"],
                    organizations=form.cleaned_data["organizations"],
                    authors=formset.authors(),
                    **fields,
                )
                if publish:
                    item = services.item_publish(item=item, by=request.user)
            if form.cleaned_data.get("file"):
                services.file_attach(item=item, by=request.user, upload=form.cleaned_data["file"])
    except ValidationError as error:
        if hasattr(error, "error_dict") and "authors" in error.message_dict:
            for message in error.message_dict.pop("authors"):
                formset._non_form_errors = formset.error_class([*formset.non_form_errors(), message])
            if not error.message_dict:
                return None
            error = ValidationError(error.message_dict)
        add_service_errors(form, error)
        return None
    return item


@login_required
@door("content")
def item_create(request, community):
    if not is_active_member(user=request.user, community=community):
        messages.error(request, _("Join the community to share knowledge."))
        return redirect(community.get_absolute_url())
    members = community_members(community)
    if request.method == "POST":
        form = ItemForm(request.POST, request.FILES, community=community, user=request.user)
        formset = AuthorFormSet(request.POST, prefix="authors", members=members)
        if form.is_valid() and formset.is_valid():
            item = _save_item(request, community, form, formset)
            if item is not None:
                messages.success(request, _("Published.") if item.is_published else _("Saved as a draft."))
                return redirect(item)
    else:
        form = ItemForm(community=community, user=request.user, initial={"kind": request.GET.get("kind")})
        formset = AuthorFormSet(prefix="authors", members=members, initial=author_initial(None, request.user))
    return render(
        request, "knowledge/item_form.html", _item_form_context(request, community, form=form, formset=formset)
    )


@login_required
@door("content")
def item_edit(request, community, knowledge_pk):
    item = _visible_item(request, community, knowledge_pk)
    if not can_edit_item(user=request.user, item=item):
        messages.error(request, _("You cannot edit this item."))
        return redirect(item)
    members = community_members(community)
    if request.method == "POST":
        form = ItemForm(request.POST, request.FILES, community=community, user=request.user)
        formset = AuthorFormSet(request.POST, prefix="authors", members=members)
        if form.is_valid() and formset.is_valid():
            saved = _save_item(request, community, form, formset, item=item)
            if saved is not None:
                messages.success(request, _("Saved."))
                return redirect(saved)
    else:
        item_with_authors = KnowledgeItem.objects.prefetch_related(
            Prefetch("authorships", queryset=ItemAuthor.objects.order_by("order", "pk"))
        ).get(pk=item.pk)
        form = ItemForm(community=community, user=request.user, initial=ItemForm.initial_for(item_with_authors))
        formset = AuthorFormSet(
            prefix="authors", members=members, initial=author_initial(item_with_authors, request.user)
        )
    return render(
        request,
        "knowledge/item_form.html",
        _item_form_context(request, community, form=form, formset=formset, item=item),
    )


@login_required
@door("content")
def item_publish(request, community, knowledge_pk):
    item = _visible_item(request, community, knowledge_pk)
    if request.method != "POST":
        return redirect(item)
    action = request.POST.get("action", "publish")
    try:
        if action == "unpublish":
            services.item_unpublish(item=item, by=request.user)
            messages.success(request, _("The item is a draft again."))
        else:
            services.item_publish(item=item, by=request.user)
            messages.success(request, _("Published."))
    except PermissionDenied as error:
        return _refuse(request, error, item)
    return redirect(item)
