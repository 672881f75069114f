"""Items in several languages: add a translation of an item, or link an existing item as one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.access import door

from .. import services
from ..forms import TranslationCreateForm, TranslationLinkForm, add_service_errors
from ..models import KnowledgeItem
from ..selectors import can_edit_item, item_translations
from ._common import _refuse, _visible_item


@login_required
@door("content")
def item_translations_view(request, community, knowledge_pk):
    """Offer the editors of an item to add a translation (a prefilled draft) or link an item as one."""
    item = _visible_item(request, community, knowledge_pk)
    if not can_edit_item(user=request.user, item=item):
        messages.error(request, _("You cannot edit this item."))
        return redirect(item)
    taken = set(services.translation_set(item.translation_root_id).values_list("language", flat=True))
    missing = [(code, str(name)) for code, name in settings.LANGUAGES if code not in taken]
    create_form = TranslationCreateForm(missing=missing, prefix="add")
    link_form = TranslationLinkForm(prefix="link")
    if request.method == "POST" and request.POST.get("action") == "link":
        link_form = TranslationLinkForm(request.POST, prefix="link")
        if link_form.is_valid():
            other = (
                KnowledgeItem.objects.visible_to(request.user)
                .filter(community=community, pk=link_form.cleaned_data["other"])
                .first()
            )
            if other is None or other.pk == item.pk:
                link_form.add_error("other", _("Choose another item of this community that you can see."))
            else:
                try:
                    services.item_translation_link(item=item, other=other, by=request.user)
                except PermissionDenied as error:
                    return _refuse(request, error, item)
                except ValidationError as error:
                    add_service_errors(link_form, error)
                else:
                    messages.success(request, _("Linked as a translation."))
                    return redirect(item)
    elif request.method == "POST":
        create_form = TranslationCreateForm(request.POST, missing=missing, prefix="add")
        if create_form.is_valid():
            try:
                draft = services.item_translation_create(
                    item=item, by=request.user, language=create_form.cleaned_data["language"]
                )
            except PermissionDenied as error:
                return _refuse(request, error, item)
            except ValidationError as error:
                add_service_errors(create_form, error)
            else:
                messages.success(request, _("A draft translation was created: translate its text, then publish it."))
                return redirect(
                    reverse("knowledge:item_edit", kwargs={"community_slug": community.slug, "knowledge_pk": draft.pk})
                )
    context = {
        "community": community,
        "item": item,
        "translations": item_translations(user=request.user, item=item),
        "missing": missing,
        "create_form": create_form,
        "link_form": link_form,
    }
    return render(request, "knowledge/item_translations.html", context)
