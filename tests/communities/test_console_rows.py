"""The console's group links and member rows are written in Python (communities/templatetags/console_rows.py)
as the template wrote them."""

# ruff: noqa: E501 - the former template, line for line

import pytest

from communities.models import Membership
from tests.card_writers import written_alike
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

# The members table's rows and the group links of templates/communities/manage.html, before they were written in Python.
ROWS_BEFORE = """{% load i18n %}            {% for membership in members_page.object_list %}
              <tr id="member-{{ membership.pk }}">
                <td><bdi>{{ membership.user.get_full_name }}</bdi><div class="small text-body-secondary">{{ membership.user.email }}</div></td>
                <td>{% if membership.user.organization %}<bdi>{{ membership.user.organization.name }}</bdi>{% endif %}</td>
                <td>
                  <form method="post" action="{% url 'communities:manage_role' community_slug=community.slug membership_pk=membership.pk %}" class="d-flex gap-1">
                    {% csrf_token %}
                    <input type="hidden" name="next" value="{{ console_url }}">
                    <label class="visually-hidden" for="role-{{ membership.pk }}">{% blocktranslate with name=membership.user.get_full_name|bdi %}Role of {{ name }}{% endblocktranslate %}</label>
                    <select class="form-select form-select-sm" name="role" id="role-{{ membership.pk }}">
                      {% for value, label in role_choices %}<option value="{{ value }}"{% if value == membership.role %} selected{% endif %}>{{ label }}</option>{% endfor %}
                    </select>
                    <button type="submit" class="btn btn-sm btn-outline-primary">{% translate "Change" %}</button>
                  </form>
                </td>
                <td>
                  {% if membership.user_id != user.pk %}
                    <form method="post" action="{% url 'communities:manage_remove' community_slug=community.slug membership_pk=membership.pk %}" class="d-flex gap-1">
                      {% csrf_token %}
                      <input type="hidden" name="next" value="{{ console_url }}">
                      <label class="visually-hidden" for="remove-reason-{{ membership.pk }}">{% blocktranslate with name=membership.user.get_full_name %}Reason for removing {{ name }} (optional){% endblocktranslate %}</label>
                      <input class="form-control form-control-sm" type="text" name="reason" maxlength="1000" id="remove-reason-{{ membership.pk }}" placeholder="{% translate 'Reason (optional)' %}">
                      <button type="submit" class="btn btn-sm btn-outline-danger">{% blocktranslate with name=membership.user.get_full_name %}Remove<span class="visually-hidden"> {{ name }}</span>{% endblocktranslate %}</button>
                    </form>
                  {% else %}
                    <span class="small text-body-secondary">{% translate "you" %}</span>
                  {% endif %}
                </td>
              </tr>
            {% endfor %}
"""
LINKS_BEFORE = """{% for group in groups %}
          <li class="nav-item"><a class="nav-link{% if selected_group == group %} active{% endif %}" {% if selected_group == group %}aria-current="page"{% endif %} href="{{ manage_url }}?group={{ group.slug|urlencode }}">{{ group.name }}</a></li>
        {% endfor %}"""
TOKEN = "b" * 64


@pytest.mark.parametrize("language", ["en", "it", "ar"])
@pytest.mark.parametrize("group_selected", [False, True])
def test_the_rows_and_links_are_written_as_the_template_wrote_them(client, language, group_selected):
    community = CommunityFactory(slug="rebuild", name="REBUILD")
    team = GroupFactory(community=community, slug="team & 2", name='Team "2" <core>')
    GroupFactory(community=community, slug="pilot", name="Pilot")
    coordinator = make_member(
        community, user=UserFactory(full_name="Chiara <Coordinator>"), role=Membership.Role.COORDINATOR
    )
    make_member(community, user=coordinator, group=team, role=Membership.Role.FACILITATOR)
    organisation = OrganizationFactory(name="Comune di Trento & co")
    for n in range(3):
        person = make_member(
            community, user=UserFactory(full_name=f'Person "{n}"', organization=organisation if n else None)
        )
        make_member(community, user=person, group=team)
    client.force_login(coordinator)
    url = "/c/rebuild/manage/" + ("?group=team+%26+2" if group_selected else "")
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    context = {
        key: response.context[key]
        for key in ("community", "members_page", "role_choices", "console_url", "groups", "selected_group", "user")
    }
    context["csrf_token"] = TOKEN
    context["manage_url"] = "/c/rebuild/manage/"
    now = written_alike(
        ROWS_BEFORE + LINKS_BEFORE,
        "{% load console_rows %}{% console_member_rows members_page.object_list role_choices console_url %}"
        "{% console_group_links groups selected_group manage_url %}",
        context,
        path=url,
        language=language,
    )
    assert now.count("<tr ") == 4 and "Chiara &lt;Coordinator&gt;" in now and TOKEN in now
