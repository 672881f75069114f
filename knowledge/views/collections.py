"""Collections: list, page, form, entries, printable view and exports."""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from communities.access import door, resolve
from members.ids import parse_id

from .. import services
from ..forms import CollectionAddItemForm, CollectionForm, add_service_errors
from ..models import Collection, CollectionEntry, ItemAuthor, KnowledgeItem
from ..pdf import pdf_font
from ..selectors import can_curate
from ._common import _private_headers, _refuse


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
        # Only the entries whose item the viewer may see count: the number is what the collection's page shows.
        .annotate(
            entry_count=Count(
                "entries",
                filter=Q(entries__item__in=KnowledgeItem.objects.visible_to(request.user).values("pk")),
                distinct=True,
            )
        )
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
        pk=parse_id(request.POST.get("item")) or 0,
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
