"""The console's themes: the community's vocabulary, with rename, merge, retire and restore."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..forms_console_page import ThemeMergeForm, ThemeNameForm
from ..models import Theme
from ..services.themes import (
    ThemeError,
    theme_add,
    theme_merge,
    theme_rename,
    theme_restore,
    theme_retire,
    theme_usage,
)
from ._common import _post_only
from ._console import coordinator_only


def _themes_url(community) -> str:
    return reverse("communities:manage_themes", kwargs={"community_slug": community.slug})


def _render(request, community, *, add_form=None, merge_form=None, status: int = 200):
    themes = list(Theme.objects.filter(community=community).order_by("name"))
    usage = theme_usage(community)
    known = {theme.name.casefold() for theme in themes}
    for theme in themes:
        theme.usage = usage.get(theme.name, 0)
    context = {
        "community": community,
        "is_coordinator": True,
        "console_section": "themes",
        "console_title": _("Themes"),
        "active_themes": [theme for theme in themes if theme.retired_at is None],
        "retired_themes": [theme for theme in themes if theme.retired_at is not None],
        "unlisted": sorted((name, count) for name, count in usage.items() if name.casefold() not in known),
        "add_form": add_form or ThemeNameForm(auto_id="add-theme-%s"),
        "merge_form": merge_form or ThemeMergeForm(community=community, auto_id="merge-%s"),
    }
    return render(request, "communities/console/themes.html", context, status=status)


@login_required
def manage_themes(request, community_slug):
    """List the vocabulary (coordinators only); a POST adds a theme."""
    community = coordinator_only(request)
    if request.method != "POST":
        return _render(request, community)
    form = ThemeNameForm(request.POST, auto_id="add-theme-%s")
    if form.is_valid():
        try:
            theme = theme_add(community=community, by=request.user, name=form.cleaned_data["name"])
        except ThemeError as error:
            form.add_error("name", error.text)
        else:
            messages.success(request, _("“%(name)s” is in the vocabulary.") % {"name": theme.name})
            return redirect(_themes_url(community))
    return _render(request, community, add_form=form, status=400)


def _theme(request, theme_pk: int) -> Theme:
    community = coordinator_only(request)
    return get_object_or_404(Theme.objects.filter(community=community).select_related("community"), pk=theme_pk)


@login_required
def manage_theme_rename(request, community_slug, theme_pk):
    theme = _theme(request, theme_pk)
    if (response := _post_only(request)) is not None:
        return response
    form = ThemeNameForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the theme's new name (at most 100 characters)."))
        return redirect(_themes_url(theme.community))
    old_name = theme.name
    try:
        theme = theme_rename(theme=theme, by=request.user, name=form.cleaned_data["name"])
    except ThemeError as error:
        messages.error(request, error.text)
    else:
        if theme.name != old_name:
            messages.success(
                request,
                _("“%(old)s” is now “%(new)s”, on every item, meeting and group of the community.")
                % {"old": old_name, "new": theme.name},
            )
    return redirect(_themes_url(theme.community))


@login_required
def manage_theme_merge(request, community_slug):
    community = coordinator_only(request)
    if (response := _post_only(request)) is not None:
        return response
    form = ThemeMergeForm(request.POST, community=community, auto_id="merge-%s")
    if not form.is_valid():
        return _render(request, community, merge_form=form, status=400)
    source, into = form.cleaned_data["theme"], form.cleaned_data["into"]
    try:
        theme_merge(theme=source, into=into, by=request.user)
    except ThemeError as error:
        messages.error(request, error.text)
    else:
        messages.success(
            request,
            _("“%(theme)s” was merged into “%(into)s” on every item, meeting and group of the community.")
            % {"theme": source.name, "into": into.name},
        )
    return redirect(_themes_url(community))


@login_required
def manage_theme_retire(request, community_slug, theme_pk):
    theme = _theme(request, theme_pk)
    if (response := _post_only(request)) is not None:
        return response
    theme_retire(theme=theme, by=request.user)
    messages.success(
        request, _("“%(name)s” is retired: no longer suggested; what carries it keeps it.") % {"name": theme.name}
    )
    return redirect(_themes_url(theme.community))


@login_required
def manage_theme_restore(request, community_slug, theme_pk):
    theme = _theme(request, theme_pk)
    if (response := _post_only(request)) is not None:
        return response
    theme_restore(theme=theme, by=request.user)
    messages.success(request, _("“%(name)s” is suggested again.") % {"name": theme.name})
    return redirect(_themes_url(theme.community))
