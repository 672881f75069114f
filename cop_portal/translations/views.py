"""The translation form of one object and language, and the coordinators' list of missing translations."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communities import permissions
from communities.access import NotVisible, door
from communities.models import Membership
from communities.services.translations import (
    TranslationError,
    target_languages,
    translation_ask,
    translation_get,
    translation_review,
    translation_save,
)
from communities.translation import language_name
from meetings.models import AgendaItemTranslation
from members.models import User

from . import selectors
from .forms import AskForm, TranslationForm


@require_http_methods(["GET", "POST"])
@door(None)
def translation_edit(request, community, kind, object_id, language):
    """GET: the form with the original beside it. POST: save it, or (review) mark it reviewed."""
    obj = selectors.find(kind, object_id, user=request.user, community=community)
    if obj is None or not permissions.may_translate(request.user, obj):
        raise NotVisible
    if language not in target_languages(obj):
        raise Http404
    translation = translation_get(obj, language)
    agenda = list(obj.agenda_items.all()) if kind == "meeting" else []
    agenda_translations = {
        row.master_id: row
        for row in AgendaItemTranslation.objects.filter(master__in=[item.pk for item in agenda], language_code=language)
    }
    form = TranslationForm(
        request.POST or None,
        obj=obj,
        translation=translation,
        agenda=agenda,
        agenda_translations=agenda_translations,
        language=language,
    )
    if request.method == "POST":
        try:
            if "review" in request.POST:
                translation_review(obj=obj, language=language, by=request.user)
                messages.success(request, _("Translation marked as reviewed."))
                return redirect(request.path)
            if form.is_valid():
                translation_save(
                    obj=obj, language=language, by=request.user, texts=form.texts(), agenda=form.agenda_texts()
                )
                messages.success(request, _("Translation saved."))
                return redirect(request.path)
        except TranslationError as error:
            form.add_error(None, error.text)
    context = {
        "community": community,
        "obj": obj,
        "kind": kind,
        "form": form,
        "translation": translation,
        "language": language,
        "language_name": language_name(language),
        "original_language": obj.content_language,
        "original_language_name": language_name(obj.content_language),
        "may_review": permissions.may_review_translations(request.user, obj),
        "other_languages": [code for code in target_languages(obj) if code != language],
    }
    return render(request, "translations/translation_form.html", context)


@require_http_methods(["GET", "POST"])
@door("manage")
def missing_list(request, community):
    """The content that lacks a translation into the community's languages; ask a member to write one."""
    missing = selectors.missing_translations(community)
    members = (
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.active().community_level().filter(community=community).values("user_id"),
        )
        .only("pk", "full_name", "email")
        .order_by("full_name", "pk")
    )
    form = AskForm(request.POST or None, missing=missing, members=members)
    if request.method == "POST" and form.is_valid():
        kind, object_id, language = form.target()
        obj = selectors.find(kind, object_id, user=request.user, community=community)
        if obj is None:
            raise NotVisible
        member = form.cleaned_data["member"]
        try:
            translation_ask(obj=obj, language=language, member=member, by=request.user)
        except TranslationError as error:
            form.add_error(None, error.text)
        else:
            messages.success(
                request,
                _("%(name)s was asked to translate it; they can now open the translation form.")
                % {"name": member.get_full_name() or member.email},
            )
            return redirect(request.path)
    context = {
        "community": community,
        "missing": missing,
        "form": form,
        "console_title": _("Translations"),
        "console_section": "translations",
        "is_coordinator": True,
    }
    return render(request, "translations/missing.html", context)
