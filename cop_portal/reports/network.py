"""The network map: communities, the themes they share, and who belongs to several of them.

Only what the viewer may see appears: the communities whose content they may see (public
ones and their own, through Community.objects.content_visible_to), the partners of those
communities, and people who chose to appear on the map (User.show_in_network) and to be
listed, whom the viewer could already meet in a community they share. A person's or an
organisation's links go only to communities the viewer may see, and nodes with fewer than
two such links are left out, since the map is about what connects communities.

Every list is read with a fixed number of queries (the "several communities" test is a
Count in the database); the layout is a deterministic circle, drawn by the template.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.models import TaggedItem

from communities.models import Community, Membership, Partnership
from members.typography import country_name, join_comma

MAX_OUTER_NODES = 60
SIZE = 900
CENTRE = SIZE / 2
INNER_RADIUS = 170
OUTER_RADIUS = 340


@dataclass
class Node:
    key: str
    kind: str  # community, theme, organisation, person
    label: str
    href: str
    detail: str = ""
    links: list[str] = field(default_factory=list)  # keys of the communities this node belongs to
    accent: str = ""
    linked: list[Node] = field(default_factory=list)  # those communities' nodes, for the lists


@dataclass
class Graph:
    communities: list[Node]
    themes: list[Node]
    organisations: list[Node]
    people: list[Node]

    @property
    def outer(self) -> list[Node]:
        return [*self.themes, *self.organisations, *self.people]

    def by_key(self) -> dict[str, Node]:
        return {node.key: node for node in [*self.communities, *self.outer]}


def _codes(value) -> list[str]:
    """Return the country codes of a multiple CountryField as values() gives it ("IT,LY", or a list)."""
    if isinstance(value, str):
        value = value.split(",")
    return [str(code).strip() for code in value or [] if str(code).strip()]


def _community_ids_of(user):
    return Membership.objects.active().community_level().filter(user=user).values("community_id")


def visible_communities(*, user, theme: str = "", country: str = ""):
    communities = Community.objects.content_visible_to(user)
    if theme:
        communities = communities.filter(pk__in=Community.objects.filter(themes__slug=theme).values("pk"))
    if country:
        # Several countries are stored as "IT,LY": two-letter codes cannot match across a comma.
        communities = communities.filter(countries__contains=country.upper())
    return communities


def _community_tags(community_ids):
    content_type = ContentType.objects.get_for_model(Community)
    return TaggedItem.objects.filter(content_type=content_type, object_id__in=community_ids)


def network_graph(*, user, theme: str = "", country: str = "") -> Graph:
    """Return the nodes of the map for user, narrowed to one theme and one country when asked."""
    rows = list(
        visible_communities(user=user, theme=theme, country=country)
        .order_by("name")
        .values("pk", "slug", "name", "accent_color", "countries")
    )
    ids = [row["pk"] for row in rows]
    communities = [
        Node(
            key=f"c{row['pk']}",
            kind="community",
            label=row["name"],
            href=reverse("communities:home", kwargs={"community_slug": row["slug"]}),
            detail=join_comma(country_name(code) for code in _codes(row["countries"])),
            accent=row["accent_color"],
        )
        for row in rows
    ]
    if not ids:
        return Graph(communities=[], themes=[], organisations=[], people=[])
    graph = Graph(
        communities=communities,
        themes=_shared_themes(ids, theme=theme),
        organisations=_shared_organisations(ids, country=country),
        people=_shared_people(ids, user=user, country=country),
    )
    by_key = {node.key: node for node in communities}
    for node in graph.outer:
        node.linked = [by_key[key] for key in node.links if key in by_key]
    return graph


def _shared_themes(ids: list[int], *, theme: str) -> list[Node]:
    """Return the themes of at least two of the communities (and the theme filtered on); two queries."""
    tags = _community_tags(ids)
    shared = tags.values("tag_id").annotate(n=Count("object_id", distinct=True)).filter(n__gte=2).values("tag_id")
    wanted = tags.filter(tag_id__in=shared)
    if theme:
        wanted = wanted | tags.filter(tag__slug=theme)
    nodes: dict[int, Node] = {}
    for tag_id, name, slug, community_id in wanted.order_by("tag__name", "object_id").values_list(
        "tag_id", "tag__name", "tag__slug", "object_id"
    ):
        node = nodes.setdefault(
            tag_id,
            Node(
                key=f"t{tag_id}",
                kind="theme",
                label=name,
                href=f"{reverse('directory')}?{urlencode({'theme': slug})}",
            ),
        )
        node.links.append(f"c{community_id}")
    return list(nodes.values())


def _shared_organisations(ids: list[int], *, country: str) -> list[Node]:
    """Return the organisations that are partners of at least two of the communities; one query."""
    partnerships = Partnership.objects.current().filter(community_id__in=ids)
    if country:
        partnerships = partnerships.filter(organization__country=country.upper())
    several = (
        partnerships.values("organization_id")
        .annotate(n=Count("community", distinct=True))
        .filter(n__gte=2)
        .values("organization_id")
    )
    nodes: dict[int, Node] = {}
    rows = (
        partnerships.filter(organization_id__in=several)
        .order_by("organization__name", "community_id")
        .values_list("organization_id", "organization__name", "organization__country", "community_id")
        .distinct()
    )
    for organisation_id, name, code, community_id in rows:
        node = nodes.setdefault(
            organisation_id,
            Node(
                key=f"o{organisation_id}",
                kind="organisation",
                label=name,
                href=f"#org-{organisation_id}",
                detail=country_name(code) if code else "",
            ),
        )
        key = f"c{community_id}"
        if key not in node.links:
            node.links.append(key)
    return list(nodes.values())


def _shared_people(ids: list[int], *, user, country: str) -> list[Node]:
    """Return the people on the map in at least two of the communities whom user could meet; two queries.

    A person appears when they chose both to be listed and to be shown on the network map,
    and share an active community with the viewer (or are the viewer); anonymous visitors see nobody.
    """
    if not user.is_authenticated:
        return []
    viewer_communities = set(_community_ids_of(user).values_list("community_id", flat=True))
    if not viewer_communities:
        return []
    memberships = (
        Membership.objects.active()
        .community_level()
        .filter(
            community_id__in=ids,
            user__is_active=True,
            user__show_in_network=True,
            user__listed_in_directory=True,
        )
    )
    met = Membership.objects.active().community_level().filter(community_id__in=viewer_communities).values("user_id")
    memberships = memberships.filter(user_id__in=met)
    if country:
        memberships = memberships.filter(user__show_country=True, user__country=country.upper())
    several = (
        memberships.values("user_id").annotate(n=Count("community", distinct=True)).filter(n__gte=2).values("user_id")
    )
    nodes: dict[int, Node] = {}
    rows = (
        memberships.filter(user_id__in=several)
        .order_by("user__full_name", "user_id", "community__name")
        .values_list("user_id", "user__full_name", "community_id", "community__slug")
    )
    for user_id, name, community_id, slug in rows:
        node = nodes.get(user_id)
        if node is None:
            node = nodes[user_id] = Node(key=f"p{user_id}", kind="person", label=name or _("A member"), href="")
        node.links.append(f"c{community_id}")
        if not node.href and community_id in viewer_communities:
            node.href = reverse("people:member", kwargs={"community_slug": slug, "user_id": user_id})
    return list(nodes.values())


# --- layout ------------------------------------------------------------------------------------------------


@dataclass
class Placed:
    node: Node
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str

    @property
    def points(self) -> str:
        """Return the polygon of a theme (a diamond) or a person (a triangle) around the node's centre."""
        x, y = self.x, self.y
        if self.node.kind == "theme":
            corners = [(x, y - 11), (x + 11, y), (x, y + 11), (x - 11, y)]
        else:
            corners = [(x, y - 9), (x + 9, y + 8), (x - 9, y + 8)]
        return " ".join(f"{round(a, 1)},{round(b, 1)}" for a, b in corners)

    @property
    def square_x(self) -> float:
        return round(self.x - 8, 1)

    @property
    def square_y(self) -> float:
        return round(self.y - 8, 1)


@dataclass
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    kind: str


@dataclass
class Layout:
    size: int
    communities: list[Placed]
    outer: list[Placed]
    edges: list[Edge]
    left_out: int
    view_x: float = 0
    view_y: float = 0
    view_width: float = SIZE
    view_height: float = SIZE

    @property
    def view_box(self) -> str:
        return f"{self.view_x} {self.view_y} {self.view_width} {self.view_height}"

    @property
    def legend_x(self) -> float:
        return self.view_x + 8

    @property
    def legend_y(self) -> float:
        return self.view_y + 8


def _on_circle(index: int, count: int, radius: float, *, offset: float = -math.pi / 2) -> tuple[float, float]:
    if count == 1 and radius == INNER_RADIUS:
        return CENTRE, CENTRE
    angle = offset + 2 * math.pi * index / max(count, 1)
    return round(CENTRE + radius * math.cos(angle), 1), round(CENTRE + radius * math.sin(angle), 1)


def layout(graph: Graph) -> Layout:
    """Place communities on an inner circle and the rest on an outer one, always in the same order."""
    placed: dict[str, Placed] = {}
    communities = []
    for index, node in enumerate(graph.communities):
        x, y = _on_circle(index, len(graph.communities), INNER_RADIUS)
        item = Placed(node=node, x=x, y=y, label_x=x, label_y=round(y + 40, 1), anchor="middle")
        placed[node.key] = item
        communities.append(item)
    outer_nodes = graph.outer[:MAX_OUTER_NODES]
    outer = []
    for index, node in enumerate(outer_nodes):
        x, y = _on_circle(
            index, len(outer_nodes), OUTER_RADIUS, offset=-math.pi / 2 + math.pi / max(len(outer_nodes), 1)
        )
        right = x >= CENTRE
        item = Placed(
            node=node,
            x=x,
            y=y,
            label_x=round(x + (16 if right else -16), 1),
            label_y=round(y + 4, 1),
            anchor="start" if right else "end",
        )
        outer.append(item)
    edges = [
        Edge(item.x, item.y, placed[key].x, placed[key].y, item.node.kind)
        for item in outer
        for key in item.node.links
        if key in placed
    ]
    # Frame the drawing around its nodes (room for labels and the legend), so a small network is not lost.
    points = [(item.x, item.y) for item in [*communities, *outer]] or [(CENTRE, CENTRE)]
    margin_x, margin_top, margin_bottom = (250, 150, 70) if outer else (180, 150, 70)
    left = min(x for x, _y in points) - margin_x
    right = max(x for x, _y in points) + margin_x
    top = min(y for _x, y in points) - margin_top
    bottom = max(y for _x, y in points) + margin_bottom
    return Layout(
        size=SIZE,
        communities=communities,
        outer=outer,
        edges=edges,
        left_out=max(0, len(graph.outer) - MAX_OUTER_NODES),
        view_x=round(left, 1),
        view_y=round(top, 1),
        view_width=round(right - left, 1),
        view_height=round(bottom - top, 1),
    )


# --- filters -----------------------------------------------------------------------------------------------


class NetworkFilterForm(forms.Form):
    theme = forms.ChoiceField(label=gettext_lazy("Theme"), required=False)
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        ids = list(visible_communities(user=user).values_list("pk", flat=True))
        themes = _community_tags(ids).order_by("tag__name").values_list("tag__slug", "tag__name").distinct()
        codes: set[str] = set()
        for value in Community.objects.filter(pk__in=ids).values_list("countries", flat=True):
            codes.update(_codes(value))
        self.fields["theme"].choices = [("", _("All themes")), *themes]
        self.fields["country"].choices = [
            ("", _("All countries")),
            *sorted(((code, country_name(code)) for code in codes), key=lambda pair: pair[1]),
        ]

    def filters(self) -> tuple[str, str]:
        """Return the (theme slug, country code) chosen; nothing when the choice is not valid."""
        if not self.is_bound or not self.is_valid():
            return "", ""
        return self.cleaned_data.get("theme") or "", self.cleaned_data.get("country") or ""
