"""Join controls and group rows are written in Python (communities/templatetags/join_controls.py) as the templates wrote them."""

# ruff: noqa: E501 - the former templates, line for line
import itertools

import pytest
from django.template import Context, engines
from django.utils import timezone, translation

from communities.models import Community, Group, Invitation
from communities.selectors import JoinState
from tests.card_writers import normalised, written_alike
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

# templates/communities/partials/_join_controls.html before it was written in Python.
JOIN_BEFORE = """{% comment %}
  The visitor's own state in a community or group, and the buttons that change it (POST forms, no JavaScript).
  Context: state (selectors.JoinState), place (the community or group), join_url, leave_url,
  next (where to come back after the action), compact (true in lists: no message box).
  A group's manager (a coordinator of its community) is offered "Manage", never "Ask to join";
  an archived group offers nothing but its state.
{% endcomment %}
<div class="join-controls d-flex flex-wrap align-items-center gap-2">
  {% if state.archived %}
    <span class="badge text-bg-secondary">{% translate "Archived" %}</span>
    <span class="small text-body-secondary">{% translate "This group is archived: it is kept as a record and nobody joins it any more." %}</span>
    {% if state.is_member %}<span class="badge text-bg-light border">{% translate "You are a member" %}</span>{% endif %}
  {% elif state.manages and not state.is_member and not state.is_pending %}
    <span class="badge text-bg-primary">{% translate "You manage this group" %}</span>
    <a class="btn btn-sm btn-outline-primary" href="{% url 'communities:manage' community_slug=place.community.slug %}?group={{ place.slug|urlencode }}">{% blocktranslate with place=place.name %}Manage<span class="visually-hidden"> {{ place }}</span>{% endblocktranslate %}</a>
  {% elif not state.authenticated %}
    {% if state.policy == "invitation" %}
      <span class="badge text-bg-dark">{% translate "By invitation only" %}</span>
      {% if not compact %}<span class="small text-body-secondary">{% translate "Only people the coordinators invite can join." %}</span>{% endif %}
    {% else %}
      <a class="btn btn-sm btn-outline-primary" href="{% url 'account_login' %}?next={{ join_url|urlencode }}">{% blocktranslate with place=place.name %}Sign in to join<span class="visually-hidden"> {{ place }}</span>{% endblocktranslate %}</a>
    {% endif %}
  {% elif state.is_member %}
    <span class="badge text-bg-success">{% if state.role == "coordinator" %}{% translate "You are a coordinator" %}{% elif state.role == "facilitator" %}{% translate "You are a facilitator" %}{% else %}{% translate "You are a member" %}{% endif %}</span>
    <form method="post" action="{{ leave_url }}" class="d-inline">
      {% csrf_token %}
      <input type="hidden" name="next" value="{{ next }}">
      <button type="submit" class="btn btn-sm btn-outline-secondary">{% blocktranslate with place=place.name %}Leave<span class="visually-hidden"> {{ place }}</span>{% endblocktranslate %}</button>
    </form>
  {% elif state.is_pending %}
    <span class="badge text-bg-warning">{% translate "Your request is waiting for approval" %}</span>
    <form method="post" action="{{ leave_url }}" class="d-inline">
      {% csrf_token %}
      <input type="hidden" name="next" value="{{ next }}">
      <button type="submit" class="btn btn-sm btn-outline-secondary">{% blocktranslate with place=place.name %}Withdraw my request<span class="visually-hidden"> to join {{ place }}</span>{% endblocktranslate %}</button>
    </form>
  {% elif state.invitation %}
    <span class="badge text-bg-info">{% translate "You are invited" %}</span>
    <form method="post" action="{% url 'me:invitation_accept' invitation_pk=state.invitation.pk %}" class="d-inline">
      {% csrf_token %}
      <button type="submit" class="btn btn-sm btn-primary">{% blocktranslate with place=place.name %}Accept the invitation<span class="visually-hidden"> to {{ place }}</span>{% endblocktranslate %}</button>
    </form>
  {% else %}
    {% if state.is_declined %}
      <p class="mb-0 small text-body-secondary w-100">
        {% translate "Your last request to join was declined." %}
        {% if state.reason %}{% translate "Reason:" %} <q>{{ state.reason }}</q>{% endif %}
      </p>
    {% endif %}
    {% if state.ineligible %}
      <p class="mb-0 small w-100 not-eligible"><span class="badge badge-reserved">{% translate "Reserved" %}</span> {{ state.ineligible }}</p>
    {% elif state.needs_community %}
      <p class="mb-0 small text-body-secondary">{% translate "Join the community first; then you can join its groups." %}{% if place.community %} <a href="{{ place.community.get_absolute_url }}">{% blocktranslate with community=place.community.name|bdi %}How to join {{ community }}{% endblocktranslate %}</a>{% endif %}</p>
    {% elif state.invitation_only %}
      <span class="badge text-bg-dark">{% translate "By invitation only" %}</span>
      <span class="small text-body-secondary">{% translate "Only people the coordinators invite can join." %}</span>
    {% elif state.can_join %}
      <form method="post" action="{{ join_url }}" class="d-inline">
        {% csrf_token %}
        <input type="hidden" name="next" value="{{ next }}">
        <button type="submit" class="btn btn-sm btn-primary">
          {% if state.joins_community %}{% blocktranslate with place=place.name %}Join the group<span class="visually-hidden"> {{ place }}</span> and the community{% endblocktranslate %}{% else %}{% blocktranslate with place=place.name %}Join<span class="visually-hidden"> {{ place }}</span>{% endblocktranslate %}{% endif %}
        </button>
      </form>
    {% elif state.can_request %}
      {% if compact %}
        <form method="post" action="{{ join_url }}" class="d-inline">
          {% csrf_token %}
          <input type="hidden" name="next" value="{{ next }}">
          <button type="submit" class="btn btn-sm btn-outline-primary">{% blocktranslate with place=place.name %}Ask to join<span class="visually-hidden"> {{ place }}</span>{% endblocktranslate %}</button>
        </form>
        <a class="small" href="{{ join_url }}">{% blocktranslate with place=place.name %}Ask with a message<span class="visually-hidden"> to join {{ place }}</span>{% endblocktranslate %}</a>
      {% else %}
        <form method="post" action="{{ join_url }}" class="w-100">
          {% csrf_token %}
          <input type="hidden" name="next" value="{{ next }}">
          <div class="mb-2">
            <label class="form-label" for="id_join_message_{{ place.pk }}">{% translate "Message to the coordinators (optional)" %}</label>
            <textarea class="form-control" id="id_join_message_{{ place.pk }}" name="message" rows="2" maxlength="2000"></textarea>
          </div>
          <button type="submit" class="btn btn-primary">{% blocktranslate with place=place.name %}Ask to join<span class="visually-hidden"> {{ place }}</span>{% endblocktranslate %}</button>
        </form>
      {% endif %}
    {% endif %}
  {% endif %}
</div>
"""
# templates/communities/partials/_group_item.html, in the home's loop, before it was written in Python.
ITEM_BEFORE = (
    "{% for group in groups %}"
    + """{% reader_text group as group_text %}
<li class="list-group-item">
  <div class="d-flex flex-wrap justify-content-between align-items-start gap-2">
    <div class="group-summary">
      <a href="{{ group.get_absolute_url }}" {{ group_text.language|content_lang }}>{{ group_text.name }}</a>
      {% if group.is_archived %}<span class="badge text-bg-secondary">{% translate "Archived" %}</span>{% endif %}
      <div class="small text-body-secondary">{{ group.get_kind_display }} · {% blocktranslate count counter=group.member_count %}{{ counter }} member{% plural %}{{ counter }} members{% endblocktranslate %}</div>
      {% comment %}Whether the group is open or reserved, for visitors too (they decide whether to sign up).{% endcomment %}
      <div class="small group-access">
        {% if group.is_archived %}
          <span class="badge text-bg-secondary">{% translate "Archived" %}</span>
        {% elif group.join_policy == "invitation" %}
          <span class="badge text-bg-dark">{% translate "By invitation" %}</span>
        {% elif group.join_policy == "approval" %}
          <span class="badge text-bg-secondary">{% translate "On request" %}</span>
        {% else %}
          <span class="badge text-bg-success">{% translate "Open" %}</span>
        {% endif %}
        {% if group.reserved_to %}
          <span class="badge badge-reserved">{% translate "Reserved" context "one community" %}</span> {% blocktranslate with kinds=group.reserved_to %}Reserved to people from: {{ kinds }}{% endblocktranslate %}
        {% endif %}
      </div>
      {% if group_text.description %}<p class="small mb-0 mt-1" {{ group_text.language|content_lang }}>{{ group_text.description|truncatewords:40 }}</p>{% endif %}
    </div>
    {% url 'communities:group_join' community_slug=community.slug group_slug=group.slug as group_join_url %}
    {% url 'communities:group_leave' community_slug=community.slug group_slug=group.slug as group_leave_url %}
    {% include join_template with state=group.join_state place=group join_url=group_join_url leave_url=group_leave_url next=request.path compact=True %}
  </div>
</li>
"""
    + "{% endfor %}"
)
TOKEN = "a" * 64


def _states():
    statuses = [None, "active", "pending", "declined"]
    for policy, authenticated, status, role in itertools.product(
        ["open", "approval", "invitation"], [False, True], statuses, [None, "member", "facilitator", "coordinator"]
    ):
        if status != "active" and role:
            continue
        yield JoinState(policy=policy, authenticated=authenticated, status=status, role=role)
        if authenticated and status in (None, "declined"):
            yield JoinState(policy=policy, authenticated=True, status=status, reason="Not <this> year & not now")
            yield JoinState(policy=policy, authenticated=True, status=status, ineligible="Municipalities only")
            yield JoinState(policy=policy, authenticated=True, status=status, needs_community=True)
            yield JoinState(policy=policy, authenticated=True, status=status, joins_community=True)
            yield JoinState(policy=policy, authenticated=True, status=status, invitation=Invitation(pk=7))
            yield JoinState(policy=policy, authenticated=True, status=status, manages=True)
        yield JoinState(policy=policy, authenticated=authenticated, status=status, role=role, archived=True)


@pytest.mark.parametrize("language", ["en", "it", "ar"])
def test_the_join_controls_are_written_as_the_template_wrote_them(language):
    community = CommunityFactory(slug="rebuild", name="REBUILD <Libya & Italy>")
    group = GroupFactory(community=community, slug="team-2", name='Team "2" & co')
    engine = engines["django"].engine
    before = engine.from_string("{% load i18n %}" + JOIN_BEFORE)
    now = engine.from_string(
        "{% load join_controls %}{% join_controls state=state place=place join_url=join_url leave_url=leave_url next=next compact=compact %}"
    )
    compared = 0
    with translation.override(language):
        for state, place, compact in itertools.product(list(_states()), [community, group], [False, True]):
            if state.manages and place is community:
                continue  # a community's coordinator manages it from the console, not from these controls
            values = {
                "state": state,
                "place": place,
                "join_url": "/c/rebuild/join/?a=1&b=2",
                "leave_url": "/c/rebuild/leave/",
                "next": "/c/rebuild/?x=<y>",
                "compact": compact,
                "csrf_token": TOKEN,
            }
            assert normalised(now.render(Context(values))) == normalised(before.render(Context(values))), state
            compared += 1
    assert compared > 300


def test_the_group_rows_are_written_as_the_template_wrote_them(client):
    community = CommunityFactory(slug="rebuild", name="REBUILD", join_policy=Community.JoinPolicy.APPROVAL)
    GroupFactory(community=community, name="Open <team>", description="Word " * 60)
    GroupFactory(community=community, name="Asked", join_policy=Community.JoinPolicy.APPROVAL)
    GroupFactory(community=community, name="Invited", join_policy=Community.JoinPolicy.INVITATION)
    GroupFactory(community=community, name="Old", archived_at=timezone.now())
    GroupFactory(community=community, name="Reserved", eligible_organization_kinds=["municipality"])
    person = make_member(community, user=UserFactory())
    make_member(community, user=person, group=Group.objects.get(name="Asked"))
    client.force_login(person)
    for language in ("en", "it", "ar"):
        response = client.get("/c/rebuild/groups/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        groups = list(response.context["groups"])
        context = {"groups": groups, "community": community, "csrf_token": TOKEN, "join_template": JOIN_TEMPLATE}
        now = written_alike(
            "{% load i18n content_language %}" + ITEM_BEFORE,
            "{% load join_controls %}{% group_items groups %}",
            context,
            path="/c/rebuild/groups/",
            language=language,
        )
        assert "Open &lt;team&gt;" in now and "…" in now


JOIN_TEMPLATE = engines["django"].from_string("{% load i18n %}" + JOIN_BEFORE)
