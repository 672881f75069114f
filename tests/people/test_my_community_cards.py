"""/me/'s community cards are written in Python (templatetags/my_communities.py) as the template wrote them."""

# ruff: noqa: E501 - the former template, line for line

import pytest

from communities.models import Membership
from discussions.services.posting import thread_start
from tests.card_writers import written_alike
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

# The section of templates/me/dashboard.html as it was before its cards were written in Python.
TEMPLATE_BEFORE = """{% load i18n content_language %}
{% for entry in communities %}{% reader_text entry.community as community_text %}
  <li class="card mb-3 my-community">
    <div class="card-body">
      <div class="d-flex flex-wrap justify-content-between align-items-start gap-2">
        <div>
          <h3 class="h5 mb-1"><a href="{{ entry.community.get_absolute_url }}" {{ community_text.language|content_lang }}>{{ community_text.name }}</a></h3>
          <span class="badge text-bg-primary">{{ entry.membership.get_role_display }}</span>
          {% if entry.unread_discussions %}<a class="small ms-2 my-unread-discussions" href="{% url 'discussions:list' community_slug=entry.community.slug %}?filter=unread">{% blocktranslate count counter=entry.unread_discussions %}{{ counter }} unread discussion{% plural %}{{ counter }} unread discussions{% endblocktranslate %}</a>{% endif %}
        </div>
        <div class="d-flex flex-wrap gap-2">
          {% if entry.membership.role == "coordinator" %}<a class="btn btn-sm btn-outline-primary" href="{% url 'communities:manage' community_slug=entry.community.slug %}">{% translate "Coordinator console" %}</a>{% endif %}
          <a class="btn btn-sm btn-outline-secondary" href="{% url 'communities:leave' community_slug=entry.community.slug %}">{% blocktranslate with place=entry.community.name|bdi %}Leave<span class="visually-hidden"> {{ place }}</span>{% endblocktranslate %}</a>
        </div>
      </div>
      {% if entry.groups %}
        <h4 class="h6 mt-3">{% translate "My groups" %}</h4>
        <ul class="list-unstyled mb-0">
          {% for membership in entry.groups %}{% reader_text membership.group as group_text %}
            <li class="d-flex flex-wrap align-items-center gap-2 mb-1">
              <a href="{{ membership.group.get_absolute_url }}" {{ group_text.language|content_lang }}>{{ group_text.name }}</a>
              <span class="badge text-bg-light border">{{ membership.get_role_display }}</span>
              {% if membership.role == "facilitator" and entry.membership.role != "coordinator" %}<a class="small" href="{% url 'communities:manage' community_slug=entry.community.slug %}?group={{ membership.group.slug|urlencode }}">{% blocktranslate with place=membership.group.name|bdi %}Manage<span class="visually-hidden"> {{ place }}</span>{% endblocktranslate %}</a>{% endif %}
              <a class="small" href="{% url 'communities:group_leave' community_slug=entry.community.slug group_slug=membership.group.slug %}">{% blocktranslate with place=membership.group.name|bdi %}Leave<span class="visually-hidden"> {{ place }}</span>{% endblocktranslate %}</a>
            </li>
          {% endfor %}
        </ul>
      {% endif %}
    </div>
  </li>
{% endfor %}"""


@pytest.fixture
def person():
    user = UserFactory(full_name="Amina Haddad")
    coordinated = CommunityFactory(slug="rebuild", name="REBUILD <Libya & Italy>", language="en")
    make_member(coordinated, user=user, role=Membership.Role.COORDINATOR)
    make_member(coordinated, user=user, group=GroupFactory(community=coordinated, name='Water & "sanitation"'))
    facilitated = CommunityFactory(slug="fiscal-reform", name="إصلاح المالية", language="ar")
    make_member(facilitated, user=user)
    group = GroupFactory(community=facilitated, slug="tax-desk", name="مكتب الضرائب")
    make_member(facilitated, user=user, group=group, role=Membership.Role.FACILITATOR)
    make_member(facilitated, user=user, group=GroupFactory(community=facilitated, name="Budget"))
    make_member(CommunityFactory(slug="quiet", name="Quiet"), user=user)
    author = make_member(facilitated)
    for n in range(3):  # unread discussions in one community
        thread_start(community=facilitated, by=author, title=f"Thread {n}", body="What do you think?")
    return user


@pytest.mark.parametrize("language", ["en", "it", "ar"])
def test_the_cards_are_written_as_the_template_wrote_them(client, person, language):
    client.force_login(person)
    response = client.get("/me/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    communities = response.context["communities"]
    assert len(communities) == 3 and sum(len(entry["groups"]) for entry in communities) == 3
    now = written_alike(
        TEMPLATE_BEFORE,
        "{% load my_communities %}{% my_community_cards communities %}",
        {"communities": communities},
        path="/me/",
        language=language,
    )
    assert "REBUILD &lt;Libya &amp; Italy&gt;" in now and "&quot;sanitation&quot;" in now
    assert "?group=tax-desk" in now  # a facilitator's group, managed from the console


def test_the_dashboard_shows_the_cards(client, person):
    client.force_login(person)
    page = client.get("/me/").content.decode()
    assert page.count('class="card mb-3 my-community"') == 3
    assert "Coordinator console" in page
