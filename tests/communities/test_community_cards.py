"""The directory's cards are written in Python (communities/templatetags/community_cards.py) as the template wrote them."""

# ruff: noqa: E501 - the former template, line for line
from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Community
from meetings.models import Meeting
from tests.card_writers import written_alike
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.django_db

# templates/communities/partials/_community_card.html, inside directory.html's loop, before the cards were
# written in Python.
TEMPLATE_BEFORE = (
    """{% for community in communities %}
<li class="col-12 col-md-6 col-lg-4">"""
    + """{% reader_text community as shown %}
<article class="card h-100 community-card accent-{{ community.pk }}">
  <div class="card-body d-flex flex-column">
    <h2 class="h5 card-title"><a href="{{ community.get_absolute_url }}" {{ shown.language|content_lang }}>{{ shown.name }}</a></h2>
    {% if shown.tagline %}<p class="card-text" {{ shown.language|content_lang }}>{{ shown.tagline }}</p>{% endif %}
    {% with themes=community.themes.all %}
      {% if themes %}
        <p class="small mb-2"><span class="visually-hidden">{% translate "Themes" %}: </span>{% for theme in themes %}<span class="badge text-bg-light border me-1">{{ theme.name }}</span>{% endfor %}</p>
      {% endif %}
    {% endwith %}
    <dl class="row small mb-2 mt-auto">
      <dt class="col-6">{% translate "Members" %}</dt>
      <dd class="col-6 mb-1">{{ community.member_count|number }}</dd>
      <dt class="col-6">{% translate "Groups" %}</dt>
      <dd class="col-6 mb-1">{{ community.group_count|number }}</dd>
      <dt class="col-6">{% translate "Languages" %}</dt>
      <dd class="col-6 mb-1">{{ community.language_names|join_comma }}</dd>
      {% if community.countries %}
        <dt class="col-6">{% translate "Countries" %}</dt>
        <dd class="col-6 mb-1">{{ community.countries|country_names|join_list }}</dd>
      {% endif %}
      {% if community.next_meeting %}
        <dt class="col-6">{% translate "Next meeting" %}</dt>
        <dd class="col-6 mb-1">{% if community.next_meeting.get_absolute_url %}<a href="{{ community.next_meeting.get_absolute_url }}">{{ community.next_meeting }}</a>{% else %}{{ community.next_meeting }}{% endif %}</dd>
      {% endif %}
    </dl>
    <p class="mb-0">
      {% if community.pk in my_community_ids %}<span class="badge text-bg-primary">{% translate "You are a member" %}</span>{% endif %}
      {% if community.join_policy == "open" %}
        <span class="badge text-bg-success">{% translate "Open to anyone" context "one community" %}</span>
      {% elif community.join_policy == "approval" %}
        <span class="badge text-bg-secondary">{% translate "On request" %}</span>
      {% else %}
        <span class="badge text-bg-dark">{% translate "By invitation" %}</span>
      {% endif %}
      {% if community.is_reserved %}<span class="badge badge-reserved">{% translate "Reserved" context "one community" %}</span>{% endif %}
      {% if community.visibility == "members" %}<span class="badge text-bg-light border">{% translate "Members only" %}</span>{% endif %}
    </p>
  </div>
</article>
"""
    + """</li>
{% endfor %}"""
)


@pytest.fixture
def member(client):
    open_one = CommunityFactory(
        slug="rebuild", name="REBUILD <Libya & Italy>", tagline='Cities "rebuilding" together', countries=["LY", "IT"]
    )
    open_one.themes.add("local development", "water & sanitation")
    start = timezone.now() + timedelta(days=3)
    Meeting.objects.create(
        community=open_one,
        title="Steering <committee> 3",
        start=start,
        end=start + timedelta(hours=2),
        visibility=Meeting.Visibility.PUBLIC,
    )
    CommunityFactory(
        slug="patti",
        name="Patti educativi",
        language="it",
        tagline="",
        join_policy=Community.JoinPolicy.APPROVAL,
        eligible_organization_kinds=["municipality"],
        visibility=Community.Visibility.MEMBERS,
    )
    CommunityFactory(slug="fiscal", name="إصلاح المالية", language="ar", join_policy=Community.JoinPolicy.INVITATION)
    person = make_member(open_one)
    client.force_login(person)
    return person


@pytest.mark.parametrize("language", ["en", "it", "ar"])
def test_the_cards_are_written_as_the_template_wrote_them(client, member, language):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    communities = list(response.context["communities"])
    assert len(communities) == 3 and any(getattr(c, "next_meeting", None) for c in communities)
    context = {"communities": communities, "my_community_ids": response.context["my_community_ids"]}
    now = written_alike(
        "{% load i18n content_language %}" + TEMPLATE_BEFORE,
        "{% load community_cards %}{% community_cards communities %}",
        context,
        path="/",
        language=language,
    )
    assert "REBUILD &lt;Libya &amp; Italy&gt;" in now and "Steering &lt;committee&gt; 3" in now


def test_the_directory_shows_the_cards(client, member):
    page = client.get("/").content.decode()
    assert page.count('class="card h-100 community-card') == 3
    assert "You are a member" in page
