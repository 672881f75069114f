"""Knowledge pages of a community: /c/<slug>/knowledge/...

Every object is found through a scoped queryset, so a hidden object and a missing one
both answer 404 (anonymous visitors are sent to sign in instead). Writes go through
services; POST-only actions answer a GET, after the same lookups, with a redirect.
"""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from taggit.models import Tag

from communities.access import NotVisible, door, resolve
from communities.models import Group
from members.models import Organization, User

from .. import services
from ..forms import (
    AnswerForm,
    AuthorFormSet,
    CollectionAddItemForm,
    CollectionForm,
    CommentForm,
    ItemFilterForm,
    ItemForm,
    ResponseForm,
    ReviewForm,
    ReviewRequestForm,
    UploadForm,
    add_service_errors,
    author_initial,
    community_members,
)
from ..models import (
    Answer,
    Collection,
    CollectionEntry,
    ItemAuthor,
    ItemFile,
    KnowledgeItem,
    Review,
    ReviewRound,
    Revision,
)
from ..pdf import pdf_font
from ..selectors import (
    can_accept_answer,
    can_curate,
    can_edit_item,
    can_read_reviews,
    is_active_member,
    is_coordinator,
    is_following,
    is_item_author,
    item_for_page,
    items_for_list,
    reviews_for,
)

PAGE_SIZE = 20


def _visible_item(request, community, knowledge_pk):
    return resolve(
        request,
        KnowledgeItem.objects.visible_to(request.user).filter(community=community).select_related("community"),
        pk=knowledge_pk,
    )


def _refuse(request, error: PermissionDenied | ValidationError, target):
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("You cannot do this."))
    return redirect(target)


# ----------------------------------------------------------------------------- list and item


@door("content")
def item_list(request, community):
    """List the items the viewer may see, filtered by kind, theme, group, language, author, organisation, date."""
    visible = KnowledgeItem.objects.visible_to(request.user).filter(community=community)
    visible_ids = visible.values("pk")
    groups = Group.objects.filter(community=community).order_by("name")
    authors = User.objects.filter(authorships__item__in=visible_ids).distinct().order_by("full_name")
    organizations = Organization.objects.filter(knowledge_items__in=visible_ids).distinct().order_by("name")
    themes = (
        Tag.objects.filter(
            taggit_taggeditem_items__content_type__app_label="knowledge",
            taggit_taggeditem_items__content_type__model="knowledgeitem",
            taggit_taggeditem_items__object_id__in=visible_ids,
        )
        .distinct()
        .order_by("name")
    )
    form = ItemFilterForm(
        request.GET or None, groups=groups, authors=authors, organizations=organizations, themes=themes
    )
    items = form.apply(items_for_list(user=request.user, community=community)).distinct()
    items = items.order_by("-published_at", "-created_at", "-pk")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
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
        "items": page.object_list,
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
    user = request.user
    member = is_active_member(user=user, community=community)
    can_edit = can_edit_item(user=user, item=item)
    context = {
        "community": community,
        "item": item,
        "meeting": _visible_meeting_of(item, user),
        "authors": item.authorships.all(),
        "files": item.files.all(),
        "comments": item.comments.all(),
        "answers": item.answers.all() if item.is_question else [],
        "rounds": item.review_rounds.all(),
        "collections": [entry.collection for entry in item.collection_entries.all()],
        "is_member": member,
        "can_edit": can_edit,
        "is_author": is_item_author(user=user, item=item),
        "can_accept": item.is_question and can_accept_answer(user=user, item=item),
        "following": is_following(user=user, item=item),
        "comment_form": CommentForm() if member else None,
        "answer_form": AnswerForm() if member and item.is_question and item.is_published else None,
        "upload_form": UploadForm() if can_edit else None,
    }
    return render(request, "knowledge/item_detail.html", context)


def _visible_meeting_of(item, user):
    """Return the meeting item came from, when user may see it (a link to a hidden meeting would leak its title)."""
    if not item.meeting_id:
        return None
    from meetings.models import Meeting

    return Meeting.objects.visible_to(user).filter(pk=item.meeting_id).select_related("community").first()


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


# ----------------------------------------------------------------------------- files


@login_required
@door("content")
def file_upload(request, community, knowledge_pk):
    item = _visible_item(request, community, knowledge_pk)
    if request.method != "POST":
        return redirect(item)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(item)
    try:
        attached = services.file_attach(item=item, by=request.user, upload=form.cleaned_data["file"])
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, item)
    messages.success(request, _("%(name)s was attached.") % {"name": attached.original_name})
    return redirect(item)


def _visible_file(request, community, file_uuid):
    return resolve(
        request,
        ItemFile.objects.visible_to(request.user).filter(item__community=community).select_related("item"),
        uuid=file_uuid,
    )


def _private_headers(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@never_cache
@door("content")
def file_download(request, community, file_uuid):
    """Send a file, after the permission check, as an attachment that browsers must not sniff."""
    attached = _visible_file(request, community, file_uuid)
    try:
        handle = attached.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=attached.original_name, content_type=attached.content_type
    )
    return _private_headers(response)


@never_cache
@door("content")
def file_thumbnail(request, community, file_uuid):
    """Send the PNG thumbnail we made of an image (re-encoded by us, so safe to show inline)."""
    attached = _visible_file(request, community, file_uuid)
    if not attached.thumbnail:
        # No cheap preview (PDFs, documents, text): the generic file icon.
        return redirect(static("knowledge/file-icon.svg"))
    try:
        handle = attached.thumbnail.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return _private_headers(FileResponse(handle, content_type="image/png"))


@login_required
@door("content")
def file_delete(request, community, file_uuid):
    attached = _visible_file(request, community, file_uuid)
    if request.method != "POST":
        return redirect(attached.item)
    try:
        services.file_remove(attached=attached, by=request.user)
    except PermissionDenied as error:
        return _refuse(request, error, attached.item)
    messages.success(request, _("The file was removed."))
    return redirect(attached.item)


# ----------------------------------------------------------------------------- history


@door("content")
def revision_list(request, community, knowledge_pk):
    item = _visible_item(request, community, knowledge_pk)
    revisions = Revision.objects.filter(item=item).select_related("author").order_by("-number")
    context = {
        "community": community,
        "item": item,
        "revisions": revisions,
        "can_edit": can_edit_item(user=request.user, item=item),
    }
    return render(request, "knowledge/revision_list.html", context)


def _visible_revision(request, community, revision_pk):
    return resolve(
        request,
        Revision.objects.visible_to(request.user)
        .filter(item__community=community)
        .select_related("item", "item__community", "author"),
        pk=revision_pk,
    )


@door("content")
def revision_detail(request, community, revision_pk):
    revision = _visible_revision(request, community, revision_pk)
    from ..markup import render_markdown

    snapshot = revision.snapshot
    context = {
        "community": community,
        "item": revision.item,
        "revision": revision,
        "snapshot": snapshot,
        "body_html": render_markdown(snapshot.get("body", "")),
        "can_edit": can_edit_item(user=request.user, item=revision.item),
    }
    return render(request, "knowledge/revision_detail.html", context)


@login_required
@door("content")
def revision_restore(request, community, revision_pk):
    revision = _visible_revision(request, community, revision_pk)
    if request.method != "POST":
        return redirect(revision)
    try:
        services.item_restore_revision(item=revision.item, revision=revision, by=request.user)
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, revision)
    messages.success(request, _("Restored revision %(number)s.") % {"number": revision.number})
    return redirect(revision.item)


# ----------------------------------------------------------------------------- conversation


@login_required
@door("content")
def comment_create(request, community, knowledge_pk):
    item = _visible_item(request, community, knowledge_pk)
    if request.method != "POST":
        return redirect(item)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment first."))
        return redirect(item)
    try:
        comment = services.comment_create(by=request.user, item=item, body=form.cleaned_data["body"])
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, item)
    messages.success(request, _("Your comment was added."))
    return redirect(f"{item.get_absolute_url()}#comment-{comment.pk}")


@login_required
@door("content")
def answer_create(request, community, knowledge_pk):
    item = _visible_item(request, community, knowledge_pk)
    if request.method != "POST":
        return redirect(item)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write an answer first."))
        return redirect(item)
    try:
        answer = services.answer_create(item=item, by=request.user, body=form.cleaned_data["body"])
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, item)
    messages.success(request, _("Your answer was added."))
    return redirect(f"{item.get_absolute_url()}#answer-{answer.pk}")


@login_required
@door("content")
def answer_accept(request, community, answer_pk):
    answer = resolve(
        request,
        Answer.objects.visible_to(request.user).filter(item__community=community).select_related("item__community"),
        pk=answer_pk,
    )
    if request.method != "POST":
        return redirect(answer.item)
    try:
        services.answer_accept(answer=answer, by=request.user)
    except PermissionDenied as error:
        return _refuse(request, error, answer.item)
    messages.success(request, _("The answer is marked as accepted."))
    return redirect(f"{answer.item.get_absolute_url()}#answer-{answer.pk}")


@login_required
@door("content")
def item_follow(request, community, knowledge_pk):
    item = _visible_item(request, community, knowledge_pk)
    if request.method != "POST":
        return redirect(item)
    if request.POST.get("action") == "unfollow":
        services.unfollow(user=request.user, item=item)
        messages.success(request, _("You no longer follow this item."))
    else:
        services.follow(user=request.user, item=item)
        messages.success(request, _("You follow this item: you will hear about new comments and answers."))
    return redirect(item)


@login_required
@door("content")
def group_follow(request, community, group_slug):
    group = resolve(request, Group.objects.visible_to(request.user).filter(community=community), slug=group_slug)
    if request.method != "POST":
        return redirect(group)
    if request.POST.get("action") == "unfollow":
        services.unfollow(user=request.user, group=group)
        messages.success(request, _("You no longer follow this group."))
    else:
        services.follow(user=request.user, group=group)
        messages.success(request, _("You follow this group."))
    return redirect(request.POST.get("next") if _safe_next(request) else group)


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})


# ----------------------------------------------------------------------------- collections


def _collection_entries(collection, user):
    """Return the entries of collection whose items user may see, with what a page or an export shows."""
    authors = ItemAuthor.objects.select_related("user", "user__organization").order_by("order", "pk")
    return (
        CollectionEntry.objects.filter(
            collection=collection, item__in=KnowledgeItem.objects.visible_to(user).values("pk")
        )
        .select_related("item", "item__community")
        .prefetch_related(Prefetch("item__authorships", queryset=authors), "item__themes")
        .order_by("order", "pk")
    )


@door("content")
def collection_list(request, community):
    collections = (
        Collection.objects.visible_to(request.user)
        .filter(community=community)
        .select_related("editor")
        .annotate(entry_count=Count("entries"))
        .order_by("-created_at")
    )
    context = {
        "community": community,
        "collections": collections,
        "can_curate": can_curate(user=request.user, community=community),
    }
    return render(request, "knowledge/collection_list.html", context)


def _visible_collection(request, community, collection_pk):
    return resolve(
        request,
        Collection.objects.visible_to(request.user).filter(community=community).select_related("editor", "community"),
        pk=collection_pk,
    )


@door("content")
def collection_detail(request, community, collection_pk):
    collection = _visible_collection(request, community, collection_pk)
    can_edit = Collection.objects.editable_by(request.user).filter(pk=collection.pk).exists()
    entries = list(_collection_entries(collection, request.user))
    add_form = None
    if can_edit:
        candidates = (
            KnowledgeItem.objects.visible_to(request.user)
            .filter(community=community)
            .exclude(pk__in=[e.item_id for e in entries])
            .order_by("title")
        )
        add_form = CollectionAddItemForm(items=candidates)
    context = {"community": community, "collection": collection, "entries": entries, "can_edit": can_edit}
    context["add_form"] = add_form
    return render(request, "knowledge/collection_detail.html", context)


@login_required
@door("content")
def collection_create(request, community):
    if not can_curate(user=request.user, community=community):
        messages.error(request, _("Only coordinators and facilitators can start a collection."))
        return redirect("knowledge:collections", community_slug=community.slug)
    form = CollectionForm(request.POST or None, community=community, initial={"editor": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            collection = services.collection_create(community=community, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Collection created."))
            return redirect(collection)
    return render(request, "knowledge/collection_form.html", {"community": community, "form": form})


@login_required
@door("content")
def collection_edit(request, community, collection_pk):
    collection = _visible_collection(request, community, collection_pk)
    if not Collection.objects.editable_by(request.user).filter(pk=collection.pk).exists():
        messages.error(request, _("Only the editor or a coordinator can change this collection."))
        return redirect(collection)
    initial = {
        "title": collection.title,
        "introduction": collection.introduction,
        "visibility": collection.visibility,
        "editor": collection.editor_id,
    }
    form = CollectionForm(request.POST or None, community=community, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.collection_update(collection=collection, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(collection)
    context = {"community": community, "form": form, "collection": collection}
    return render(request, "knowledge/collection_form.html", context)


@login_required
@door("content")
def collection_delete(request, community, collection_pk):
    collection = _visible_collection(request, community, collection_pk)
    if request.method != "POST":
        return redirect(collection)
    try:
        services.collection_delete(collection=collection, by=request.user)
    except PermissionDenied as error:
        return _refuse(request, error, collection)
    messages.success(request, _("The collection was deleted; its items are kept."))
    return redirect("knowledge:collections", community_slug=community.slug)


@login_required
@door("content")
def collection_entries(request, community, collection_pk):
    """Add, remove or move an item of a collection (POST forms, one action each)."""
    collection = _visible_collection(request, community, collection_pk)
    if request.method != "POST":
        return redirect(collection)
    item = resolve(
        request,
        KnowledgeItem.objects.visible_to(request.user).filter(community=community),
        pk=request.POST.get("item") if str(request.POST.get("item", "")).isdigit() else 0,
    )
    action = request.POST.get("action", "add")
    try:
        if action == "add":
            services.collection_add_item(collection=collection, item=item, by=request.user)
            messages.success(request, _("Added %(title)s.") % {"title": item.title})
        elif action == "remove":
            services.collection_remove_item(collection=collection, item=item, by=request.user)
            messages.success(request, _("Removed %(title)s.") % {"title": item.title})
        else:
            services.collection_move_item(collection=collection, item=item, by=request.user, direction=action)
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, collection)
    return redirect(collection)


def _export_context(request, community, collection, *, for_pdf=False):
    """Return what the printable view and the exports show; a PDF gets no images (no fetching from user text)."""
    from ..markup import without_images

    entries = list(_collection_entries(collection, request.user))
    for entry in entries:
        entry.body_html = without_images(entry.item.body_html) if for_pdf else entry.item.body_html
    introduction = collection.introduction_html
    return {
        "community": community,
        "collection": collection,
        "introduction_html": without_images(introduction) if for_pdf else introduction,
        "entries": entries,
        "generated_at": timezone.now(),
        "for_pdf": for_pdf,
    }


@door("content")
def collection_print(request, community, collection_pk):
    collection = _visible_collection(request, community, collection_pk)
    context = _export_context(request, community, collection)
    return render(request, "knowledge/collection_print.html", context)


@door("content")
def collection_export_html(request, community, collection_pk):
    """Download the collection as one self-contained HTML file with its table of contents and authors."""
    collection = _visible_collection(request, community, collection_pk)
    html = render_to_string(
        "knowledge/collection_export.html", _export_context(request, community, collection), request=request
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    filename = f"{slugify(collection.title) or 'collection'}.html"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private_headers(response)


_pdf_font = pdf_font  # the name the views and tests have used


@door("content")
def collection_export_pdf(request, community, collection_pk):
    """Download the collection as one PDF (xhtml2pdf) with its table of contents and authors."""
    import io

    from xhtml2pdf import pisa

    collection = _visible_collection(request, community, collection_pk)
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    font = _pdf_font()
    context = {**_export_context(request, community, collection, for_pdf=True), "pdf_font": font}
    html = render_to_string("knowledge/collection_export.html", context, request=request)
    out = io.BytesIO()
    # Nothing from the network, and local reads only in the font's directory.
    policy = ResourceAccessPolicy.server(base_dir=os.path.dirname(font) if font else None, allow_remote=False)
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8", resource_policy=policy)
    if result.err:
        messages.error(request, _("The PDF could not be made; download the HTML file instead."))
        return redirect(collection)
    response = HttpResponse(out.getvalue(), content_type="application/pdf")
    filename = f"{slugify(collection.title) or 'collection'}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private_headers(response)


# ----------------------------------------------------------------------------- peer review


@login_required
@door("content")
def review_request(request, community, knowledge_pk):
    item = _visible_item(request, community, knowledge_pk)
    if not (is_item_author(user=request.user, item=item) or is_coordinator(user=request.user, community=community)):
        messages.error(request, _("Only the authors can ask for a review."))
        return redirect(item)
    author_ids = list(ItemAuthor.objects.filter(item=item, user__isnull=False).values_list("user_id", flat=True))
    form = ReviewRequestForm(request.POST or None, community=community, exclude_ids=author_ids)
    if request.method == "POST" and form.is_valid():
        try:
            review_round = services.review_round_request(
                item=item,
                by=request.user,
                reviewers=form.cleaned_data["reviewers"],
                organizations=form.cleaned_data["organizations"],
                due_date=form.cleaned_data["due_date"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The reviewers were asked for their review."))
            return redirect(review_round)
    return render(request, "knowledge/review_request.html", {"community": community, "item": item, "form": form})


def _visible_round(request, community, round_pk):
    return resolve(
        request,
        ReviewRound.objects.visible_to(request.user)
        .filter(item__community=community)
        .select_related("item", "item__community", "requested_by")
        .annotate(review_count=Count("reviews", distinct=True), reviewer_count=Count("reviewers", distinct=True)),
        pk=round_pk,
    )


@door("content")
def review_round_detail(request, community, round_pk):
    """Show a round's state and due date to whoever sees the item; reviews only to authors, reviewers, coordinators."""
    review_round = _visible_round(request, community, round_pk)
    user = request.user
    privileged = can_read_reviews(user=user, review_round=review_round)
    is_reviewer = user.is_authenticated and review_round.reviewers.filter(pk=user.pk).exists()
    own_review = Review.objects.filter(round=review_round, reviewer=user).first() if is_reviewer else None
    is_author = is_item_author(user=user, item=review_round.item)
    manager = is_author or is_coordinator(user=user, community=community)
    context = {
        "community": community,
        "round": review_round,
        "item": review_round.item,
        "privileged": privileged,
        "reviews": reviews_for(user=user, review_round=review_round) if privileged else [],
        "reviewers": review_round.reviewers.select_related("organization") if privileged else [],
        "organizations": review_round.organizations.all() if privileged else [],
        "is_reviewer": is_reviewer,
        "own_review": own_review,
        "review_form": (
            ReviewForm(
                initial={
                    "strengths": own_review.strengths,
                    "weaknesses": own_review.weaknesses,
                    "recommendations": own_review.recommendations,
                    "opinion": own_review.opinion,
                }
                if own_review
                else None
            )
            if is_reviewer and review_round.is_open
            else None
        ),
        "response_form": (
            ResponseForm(initial={"response": review_round.author_response})
            if is_author and review_round.review_count and review_round.state != ReviewRound.State.CANCELLED
            else None
        ),
        "can_manage": manager and review_round.is_open,
    }
    return render(request, "knowledge/review_round.html", context)


@login_required
@door("content")
def review_submit(request, community, round_pk):
    review_round = _visible_round(request, community, round_pk)
    if request.method != "POST":
        return redirect(review_round)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in strengths, weaknesses, recommendations and an overall opinion."))
        return redirect(review_round)
    try:
        services.review_submit(review_round=review_round, by=request.user, **form.cleaned_data)
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, review_round)
    messages.success(request, _("Thank you: your review was saved."))
    return redirect(review_round)


@login_required
@door("content")
def review_respond(request, community, round_pk):
    review_round = _visible_round(request, community, round_pk)
    if request.method != "POST":
        return redirect(review_round)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a response first."))
        return redirect(review_round)
    try:
        services.review_respond(review_round=review_round, by=request.user, response=form.cleaned_data["response"])
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, review_round)
    messages.success(request, _("Your response was saved."))
    return redirect(review_round)


@login_required
@door("content")
def review_round_close(request, community, round_pk):
    review_round = _visible_round(request, community, round_pk)
    if request.method != "POST":
        return redirect(review_round)
    try:
        if request.POST.get("action") == "cancel":
            services.review_round_cancel(review_round=review_round, by=request.user)
            messages.success(request, _("The review round was cancelled."))
        else:
            services.review_round_complete(review_round=review_round, by=request.user)
            messages.success(request, _("The review round is completed."))
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, review_round)
    return redirect(review_round)


# ----------------------------------------------------------------------------- comments on meetings


@login_required
@door("content")
def meeting_comment_create(request, community, meeting_pk):
    """Post a comment on a meeting (the form is the partial the meeting page includes)."""
    from meetings.models import Meeting

    meeting = resolve(request, Meeting.objects.visible_to(request.user).filter(community=community), pk=meeting_pk)
    if request.method != "POST":
        return redirect(meeting)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment first."))
        return redirect(meeting)
    try:
        comment = services.comment_create(by=request.user, meeting=meeting, body=form.cleaned_data["body"])
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, meeting)
    messages.success(request, _("Your comment was added."))
    return redirect(f"{meeting.get_absolute_url()}#comment-{comment.pk}")
