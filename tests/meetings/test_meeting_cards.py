"""Meeting cards are written in Python (meetings/templatetags/meeting_cards.py) as the template wrote them."""

# ruff: noqa: E501 - the former template, line for line
from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import Meeting, Registration
from tests.card_writers import written_alike
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member

from .factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

# templates/meetings/partials/_meeting_card.html in a list's loop, before the cards were written in Python.
TEMPLATE_BEFORE = (
    "{% load i18n meeting_tags content_language %}{% for meeting in meetings %}"
    + """{% reader_text meeting as shown %}
<li class="list-group-item meeting-card{% if meeting.is_cancelled %} meeting-cancelled{% endif %}">
  <div class="d-flex flex-wrap justify-content-between gap-2">
    <div>
      <h3 class="h6 mb-1"><a href="{{ meeting.get_absolute_url }}" {{ shown.language|content_lang }}>{{ shown.title }}</a>{% if show_community %}{% reader_text meeting.community as shown_community %} <span class="text-body-secondary small">· <bdi {{ shown_community.language|content_lang }}>{{ shown_community.name }}</bdi></span>{% endif %}</h3>
      <div class="small">{% meeting_when meeting %}</div>
      <div class="small text-body-secondary">
        {{ meeting.get_kind_display }} · {{ meeting.get_format_display }}{% if meeting.city %} · {{ meeting.city|bdi }}{% endif %}{% if meeting.group %}{% reader_text meeting.group as shown_group %} · <bdi {{ shown_group.language|content_lang }}>{{ shown_group.name }}</bdi>{% endif %}{% if meeting.host_organization %} · {% blocktranslate with host=meeting.host_organization.name|bdi %}hosted by {{ host }}{% endblocktranslate %}{% endif %}
      </div>
      {% with themes=meeting.themes.all %}{% if themes %}
        <ul class="list-inline small mb-0 mt-1" aria-label="{% translate 'Themes' %}">
          {% for theme in themes %}<li class="list-inline-item badge text-bg-light border">{{ theme.name }}</li>{% endfor %}
        </ul>
      {% endif %}{% endwith %}
    </div>
    <div class="text-end small">
      {% if meeting.is_cancelled %}
        <span class="badge text-bg-danger">{% translate "Cancelled" %}</span>
      {% elif meeting.status == "held" %}
        <span class="badge text-bg-secondary">{% translate "Held" %}</span>
      {% endif %}
      {% if meeting.visibility == "members" %}<span class="badge text-bg-light border">{% translate "Members only" %}</span>{% endif %}
      {% if meeting.my_status == "registered" %}<span class="badge text-bg-success">{% translate "You are registered" %}</span>
      {% elif meeting.my_status == "waitlisted" %}<span class="badge text-bg-warning">{% translate "On the waitlist" %}</span>
      {% elif meeting.my_status == "pending" %}<span class="badge text-bg-info">{% translate "Awaiting approval" %}</span>{% endif %}
      {% if meeting.capacity and not meeting.is_cancelled %}
        <div class="text-body-secondary">{% blocktranslate with taken=meeting.seats_taken|number capacity=meeting.capacity|number %}{{ taken }} of {{ capacity }} seats taken{% endblocktranslate %}</div>
      {% endif %}
    </div>
  </div>
</li>
"""
    + "{% endfor %}"
)


@pytest.fixture
def viewer(client):
    community = CommunityFactory(slug="rebuild", name="REBUILD <Libya & Italy>")
    group = GroupFactory(community=community, name='Steering & "coordination"')
    person = make_member(community, user=UserFactory(full_name="Amina Haddad"))
    later = timezone.now() + timedelta(days=2)
    host = OrganizationFactory(name="Comune di Trento <IT>")
    plain = MeetingFactory(community=community, title="Webinar <one>", start=later, end=later + timedelta(hours=1))
    plain.themes.add("water & sanitation", "budgets")
    full = MeetingFactory(
        community=community,
        title="Study visit",
        start=later + timedelta(days=1),
        end=later + timedelta(days=2),
        kind=Meeting.Kind.STUDY_VISIT,
        format=Meeting.Format.IN_PERSON,
        city="Tripoli",
        group=group,
        host_organization=host,
        capacity=1200,
        visibility=Meeting.Visibility.MEMBERS,
        time_zone="Africa/Tripoli",
    )
    RegistrationFactory(meeting=full, user=person)
    RegistrationFactory.create_batch(2, meeting=full)
    waiting = MeetingFactory(community=community, title="Training", start=later + timedelta(days=3), capacity=10)
    RegistrationFactory(meeting=waiting, user=person, status=Registration.Status.WAITLISTED)
    MeetingFactory(
        community=community,
        title="Called off",
        start=later + timedelta(days=4),
        status=Meeting.Status.CANCELLED,
        capacity=5,
    )
    client.force_login(person)
    return person


@pytest.mark.parametrize("language", ["en", "it", "ar"])
@pytest.mark.parametrize("show_community", [False, True])
def test_the_cards_are_written_as_the_template_wrote_them(client, viewer, language, show_community):
    response = client.get("/c/rebuild/meetings/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    meetings = list(response.context["meetings"])
    assert len(meetings) == 4
    context = {"meetings": meetings, "show_community": show_community}
    now = written_alike(
        TEMPLATE_BEFORE,
        "{% load meeting_cards %}{% meeting_cards meetings show_community=show_community %}",
        context,
        path="/c/rebuild/meetings/",
        language=language,
        user=viewer,
    )
    assert "Webinar &lt;one&gt;" in now and "Comune di Trento &lt;IT&gt;" in now
    assert ("REBUILD &lt;Libya &amp; Italy&gt;" in now) is show_community


def test_the_pages_show_the_cards(client, viewer):
    page = client.get("/c/rebuild/meetings/").content.decode()
    assert page.count("list-group-item meeting-card") == 4
    assert "You are registered" in page and "On the waitlist" in page and "meeting-cancelled" in page
    page = client.get("/me/").content.decode()
    assert "list-group-item meeting-card" in page
