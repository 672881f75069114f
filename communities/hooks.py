"""Extension points through which higher apps add to the pages of communities.

communities never imports meetings or knowledge (see the layers in DESIGN.md). Where its
pages show something of theirs, those apps register a function here from their
AppConfig.ready(), and communities calls it without knowing who answered:

    # meetings/apps.py
    def ready(self):
        from communities import hooks
        from . import selectors

        hooks.register_directory_annotator(selectors.annotate_next_meeting)
        hooks.register_home_context(selectors.community_home_meetings)

- A directory annotator receives the communities shown on the directory page (a list)
  and the viewer, and sets attributes on them, e.g. `community.next_meeting` (a meeting or
  None), which the card template shows when present. It must use a fixed number of
  queries for the whole list, never one per card.
- A membership-ended handler receives (user, community, actor) when user stops being an active
  member of community (they left or were removed). It ends what the membership gave them in its
  app (open review assignments, co-author, editor and co-organiser grants) and returns a list of
  short translated sentences saying what it ended, recorded as one MembershipEvent.
- A home context provider receives (request, community) and returns a dict merged into
  the context of the community home. The home renders
  templates/communities/partials/_home_meetings.html and _home_knowledge.html; each shows
  an empty state unless the context has `home_meetings_template` (resp.
  `home_knowledge_template`), a template the provider names and fills, e.g.
  {"home_meetings_template": "meetings/partials/_home_upcoming.html", "upcoming_meetings": [...]}.
- A group context provider receives (request, community, group) and returns a dict merged into
  the context of a group's page (shown only to people who may see the group's content). The
  page includes `group_discussions_template` when a provider names one (discussions shows the
  group's latest threads there).
- A console section provider receives (request, community, is_coordinator, groups) when the
  coordinator (or facilitator) console is shown, groups being the groups the viewer manages
  there, and returns a ConsoleLink (or None): the console lists these links under its heading,
  e.g. discussions adds "Flagged posts (2 open)" to its flags page. One query at most each.
- A membership annotation factory receives the signed-in person (user) and returns a query
  expression about the community OuterRef("community_id") names, e.g. discussions counts the
  person's unread threads there. It is computed only on the person's active membership of the
  community the page is about, in the same query that reads their memberships
  (communities.permissions.person), so the header's badge costs no query of its own. Readers
  ask `permissions.known_person(user).computed(name, community_id)` and ask the database
  themselves when it answers None (no such page, or a request that writes).
- A page section provider adds a rendered section to a named page of a lower app, e.g.
  knowledge adds a meeting's materials and comments to "meetings:meeting_detail": it receives
  the page's keyword arguments (request, meeting) and returns HTML (a SafeString) or "".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

DirectoryAnnotator = Callable[..., None]
HomeContextProvider = Callable[..., dict]
MembershipEndedHandler = Callable[..., list]

_directory_annotators: list[DirectoryAnnotator] = []
_home_context_providers: list[HomeContextProvider] = []
_group_context_providers: list[HomeContextProvider] = []
_page_sections: dict[str, list[Callable[..., str]]] = {}
_membership_ended_handlers: list[MembershipEndedHandler] = []
_console_sections: list[Callable[..., ConsoleLink | None]] = []
_membership_annotations: dict[str, Callable] = {}
_membership_annotation_caches: dict[str, object] = {}


@dataclass(frozen=True)
class ConsoleLink:
    """A link a higher app adds to the console: translated text (with any count) and its URL."""

    text: str
    url: str


def register_directory_annotator(func: DirectoryAnnotator) -> DirectoryAnnotator:
    """Register func(communities=list, user=user) to set attributes on the directory's cards."""
    if func not in _directory_annotators:
        _directory_annotators.append(func)
    return func


def register_home_context(func: HomeContextProvider) -> HomeContextProvider:
    """Register func(request=request, community=community) -> dict for the community home's context."""
    if func not in _home_context_providers:
        _home_context_providers.append(func)
    return func


def register_group_context(func: HomeContextProvider) -> HomeContextProvider:
    """Register func(request=request, community=community, group=group) -> dict for a group page's context."""
    if func not in _group_context_providers:
        _group_context_providers.append(func)
    return func


def register_membership_ended(func: MembershipEndedHandler) -> MembershipEndedHandler:
    """Register func(user=user, community=community, actor=actor) -> list[str], called when a membership ends."""
    if func not in _membership_ended_handlers:
        _membership_ended_handlers.append(func)
    return func


def membership_ended(*, user, community, actor) -> list:
    """Let higher apps end what user's membership of community gave them; return what they ended."""
    ended: list = []
    for handle in _membership_ended_handlers:
        ended.extend(handle(user=user, community=community, actor=actor) or [])
    return ended


def annotate_directory(*, communities: list, user) -> None:
    for annotate in _directory_annotators:
        annotate(communities=communities, user=user)


def home_context(*, request, community) -> dict:
    context: dict = {}
    for provide in _home_context_providers:
        context.update(provide(request=request, community=community) or {})
    return context


def group_context(*, request, community, group) -> dict:
    context: dict = {}
    for provide in _group_context_providers:
        context.update(provide(request=request, community=community, group=group) or {})
    return context


def register_page_section(page: str, func: Callable[..., str]) -> Callable[..., str]:
    """Register func(**page_kwargs) -> HTML to render on page (e.g. "meetings:meeting_detail")."""
    providers = _page_sections.setdefault(page, [])
    if func not in providers:
        providers.append(func)
    return func


def page_sections(page: str, **kwargs) -> list[str]:
    """Return the sections higher apps render on page, in the order they registered."""
    return [html for provide in _page_sections.get(page, []) if (html := provide(**kwargs))]


def register_console_section(func: Callable[..., ConsoleLink | None]) -> Callable[..., ConsoleLink | None]:
    """Register func(request=, community=, is_coordinator=, groups=) -> ConsoleLink | None for the console."""
    if func not in _console_sections:
        _console_sections.append(func)
    return func


def console_sections(*, request, community, is_coordinator: bool, groups) -> list[ConsoleLink]:
    """Return the links higher apps add to the console of community for this viewer, in registration order."""
    links = (
        provide(request=request, community=community, is_coordinator=is_coordinator, groups=groups)
        for provide in _console_sections
    )
    return [link for link in links if link is not None]


# --- Themes -----------------------------------------------------------------------------------------
# A themed-objects provider receives (community) and returns a list of ThemedObjects: the objects
# of that community which carry themes (a queryset of a model with a `themes` TaggableManager),
# and optionally what to do after their themes were renamed or merged (retagged(pks), e.g.
# knowledge refreshes the items' search text). communities.services.themes retags them all.


@dataclass(frozen=True)
class ThemedObjects:
    """Objects of one model, inside one community, whose `themes` the theme console retags."""

    queryset: object
    retagged: Callable[[list[int]], None] | None = None


_themed_objects_providers: list[Callable[..., list[ThemedObjects]]] = []


def register_themed_objects(func: Callable[..., list[ThemedObjects]]) -> Callable[..., list[ThemedObjects]]:
    """Register func(community=community) -> list[ThemedObjects] for the themes that renaming or merging updates."""
    if func not in _themed_objects_providers:
        _themed_objects_providers.append(func)
    return func


def themed_objects(*, community) -> list[ThemedObjects]:
    """Return the themed objects higher apps hold in community, in registration order."""
    found: list[ThemedObjects] = []
    for provide in _themed_objects_providers:
        found.extend(provide(community=community) or [])
    return found


# A theme-moved handler receives (community, old_tag, new_tag) after the theme console renamed or
# merged a theme of community (its objects moved from old_tag to new_tag), inside the same
# transaction: e.g. knowledge makes the people who follow the old name follow the new one too.
_theme_moved_handlers: list[Callable[..., None]] = []


def register_theme_moved(func: Callable[..., None]) -> Callable[..., None]:
    """Register func(community=community, old_tag=tag, new_tag=tag), called when a theme is renamed or merged."""
    if func not in _theme_moved_handlers:
        _theme_moved_handlers.append(func)
    return func


def theme_moved(*, community, old_tag, new_tag) -> None:
    """Let higher apps follow a theme of community that moved from old_tag to new_tag."""
    for handle in _theme_moved_handlers:
        handle(community=community, old_tag=old_tag, new_tag=new_tag)


def register_membership_annotation(name: str, factory: Callable, cache=None) -> Callable:
    """Register factory(user) -> expression on the community OuterRef("community_id"), read with the memberships.

    cache, when given, remembers the value between requests: `cache.lookup(user, community_slug)`
    returns ((community id, value), None) when it holds a value still valid, else (None, token); then
    `cache.store(user, community_slug, (community id, value), token)` keeps the value computed with the
    memberships. The token is what the cache read before the value was computed, so a change meanwhile
    wins; the community id guards against another community that has since taken the slug.
    """
    _membership_annotations[name] = factory
    if cache is not None:
        _membership_annotation_caches[name] = cache
    return factory


def membership_annotations() -> dict[str, Callable]:
    return dict(_membership_annotations)


def membership_annotation_caches() -> dict[str, object]:
    return dict(_membership_annotation_caches)
