"""Knowledge cards are written in Python (knowledge/templatetags/knowledge_cards.py) as the template wrote them."""

# ruff: noqa: E501 - the former template, line for line

import pytest

from knowledge.models import KnowledgeItem
from knowledge.services import AuthorSpec
from tests.card_writers import written_alike
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

from .helpers import make_item

pytestmark = pytest.mark.django_db
V = KnowledgeItem.Visibility

# templates/knowledge/partials/_item_card.html in a list's loop, before the cards were written in Python.
TEMPLATE_BEFORE = (
    "{% load i18n %}{% for item in items %}"
    + """<article class="card mb-3 knowledge-card">
  <div class="card-body">
    <p class="small mb-1">
      <span class="badge text-bg-light border">{{ item.get_kind_display }}</span>
      {% if item.status == "draft" %}<span class="badge text-bg-warning">{% translate "Draft" %}</span>{% endif %}
      {% if item.visibility == "group" %}<span class="badge text-bg-secondary">{% translate "Group only" %}{% if item.group %}: {{ item.group.name }}{% endif %}</span>{% elif item.visibility == "community" %}<span class="badge text-bg-secondary">{% translate "Members only" %}</span>{% endif %}
      {% if show_community %}<span class="text-body-secondary">· {{ item.community.name }}</span>{% endif %}
    </p>
    <h3 class="h5 card-title mb-1"><a href="{{ item.get_absolute_url }}" lang="{{ item.language }}" dir="{{ item.direction }}">{{ item.title }}</a></h3>
    <p class="small text-body-secondary mb-1">
      {% include "knowledge/partials/_authors.html" with authors=item.authorships.all with_affiliation=False %}
      {% if item.published_at %} · <time datetime="{{ item.published_at|html_datetime }}">{{ item.published_at|date:"DATE_FORMAT" }}</time>{% endif %}
    </p>
    {% if item.summary %}<p class="card-text mb-1" lang="{{ item.language }}" dir="{{ item.direction }}">{{ item.summary|truncatewords:40 }}</p>{% endif %}
    {% with themes=item.themes.all %}{% if themes %}
      <p class="small mb-0">{% translate "Themes:" %} {% for tag in themes %}<a href="{% url 'tags:detail' tag_slug=tag.slug %}">{{ tag.name }}</a>{% if not forloop.last %}{% list_comma %}{% endif %}{% endfor %}</p>
    {% endif %}{% endwith %}
  </div>
</article>
"""
    + "{% endfor %}"
)


@pytest.mark.parametrize("language", ["en", "it", "ar"])
@pytest.mark.parametrize("show_community", [False, True])
def test_the_cards_are_written_as_the_template_wrote_them(client, language, show_community):
    community = CommunityFactory(slug="rebuild", name="REBUILD <Libya & Italy>")
    group = GroupFactory(community=community, name='Team "2" & co')
    author = make_member(community, user=UserFactory(full_name="Amina <Haddad>"))
    make_member(community, user=author, group=group)
    make_item(
        community,
        author=author,
        title="Open & <shared>",
        visibility=V.PUBLIC,
        themes=["water & sanitation", "budgets"],
        summary="Word " * 60,
        authors=[AuthorSpec(user=author), AuthorSpec(name="Omar External")],
    )
    make_item(community, author=author, title="For the team", visibility=V.GROUP, group=group)
    make_item(community, author=author, title="Inside", visibility=V.COMMUNITY, language="ar")
    make_item(community, author=author, title="Unfinished", published=False)
    client.force_login(author)
    response = client.get("/c/rebuild/knowledge/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    items = response.context["items"]
    assert len(items) == 4
    context = {"items": items, "show_community": show_community}
    now = written_alike(
        TEMPLATE_BEFORE,
        "{% load knowledge_cards %}{% knowledge_cards items %}",
        context,
        path="/c/rebuild/knowledge/",
        language=language,
    )
    assert "Open &amp; &lt;shared&gt;" in now and "Amina &lt;Haddad&gt;" in now and "…" in now
    assert ("REBUILD &lt;Libya &amp; Italy&gt;" in now) is show_community
