"""Files of an item: upload, download, thumbnail, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from communities.access import door, resolve
from members.storage import serve_stored_file

from .. import services
from ..forms import UploadForm
from ..models import ItemFile
from ._common import _private_headers, _refuse, _visible_item


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


@never_cache
@door("content")
def file_download(request, community, file_uuid):
    """Send a file, after the permission check, as an attachment that browsers must not sniff.

    From an object store the answer is a redirect to a presigned URL that expires within a minute
    (members.storage.serve_stored_file); from the local disk the file is streamed.
    """
    attached = _visible_file(request, community, file_uuid)
    response = serve_stored_file(
        attached.file.storage,
        attached.file.name,
        filename=attached.original_name,
        content_type=attached.content_type,
    )
    return _private_headers(response)


@never_cache
@door("content")
def file_thumbnail(request, community, file_uuid):
    """Send the PNG thumbnail we made of an image (re-encoded by us, so safe to show inline).

    Streamed even from an object store: it is shown inside pages, whose policy loads images from here.
    """
    attached = _visible_file(request, community, file_uuid)
    if not attached.thumbnail:
        # No cheap preview (PDFs, documents, text): the generic file icon.
        return redirect(static("knowledge/file-icon.svg"))
    response = serve_stored_file(
        attached.thumbnail.storage,
        attached.thumbnail.name,
        filename="thumbnail.png",
        content_type="image/png",
        as_attachment=False,
        stream=True,
    )
    return _private_headers(response)


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
