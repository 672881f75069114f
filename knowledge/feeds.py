"""Atom feed of a community's public items (what an anonymous visitor may see, whoever asks)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from communities.selectors import user_can_see_content

from .markup import plain_text
from .models import ItemAuthor, KnowledgeItem

FEED_SIZE = 30


class CommunityItemsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, community_slug):
        community = request.community
        if community is None or not user_can_see_content(user=request.user, community=community):
            raise Http404
        return community

    def title(self, community):
        return _("%(community)s: knowledge") % {"community": community.name}

    def subtitle(self, community):
        return community.tagline

    def link(self, community):
        from django.urls import reverse

        return reverse("knowledge:list", kwargs={"community_slug": community.slug})

    def items(self, community):
        # Feed readers carry no session: the feed holds only what anyone may see.
        authors = ItemAuthor.objects.select_related("user").order_by("order", "pk")
        return (
            KnowledgeItem.objects.visible_to(AnonymousUser())
            .filter(community=community)
            .select_related("community")
            .prefetch_related(Prefetch("authorships", queryset=authors), "themes")
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or Truncator(plain_text(item.body)).words(60)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        names = [a.display_name for a in item.authorships.all()]
        return ", ".join(names) or None

    def item_categories(self, item):
        return [tag.name for tag in item.themes.all()]
