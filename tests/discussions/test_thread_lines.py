"""Thread lines are written in Python (discussions/templatetags/thread_lines.py) as the template wrote them."""

# ruff: noqa: E501 - the former template, line for line

import pytest

from discussions import services
from discussions.models import Thread
from tests.card_writers import written_alike
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

# templates/discussions/partials/_thread_line.html in a list's loop, before the lines were written in Python.
TEMPLATE_BEFORE = (
    "{% load i18n %}{% for thread in threads %}"
    + """<li class="mb-2">
  <a href="{{ thread.get_absolute_url }}" dir="{{ thread.direction }}"{% if thread.language %} lang="{{ thread.language }}"{% endif %}>{{ thread.title }}</a>
  {% if thread.pinned %}<span class="badge text-bg-light border">{% translate "Pinned" %}</span>{% endif %}
  {% if thread.closed %}<span class="badge text-bg-secondary">{% translate "Closed" %}</span>{% endif %}
  <div class="small text-body-secondary">
    {% if show_group and thread.group %}{{ thread.group.name }} · {% endif %}{% blocktranslate count counter=thread.reply_count %}{{ counter }} reply{% plural %}{{ counter }} replies{% endblocktranslate %}{% if thread.last_post.author %} · {% blocktranslate with name=thread.last_post.author.get_full_name %}last by <bdi>{{ name }}</bdi>{% endblocktranslate %}{% endif %} · <time datetime="{{ thread.last_post_at|html_datetime }}">{{ thread.last_post_at|date:"DATETIME_FORMAT" }}</time>
  </div>
</li>
"""
    + "{% endfor %}"
)


@pytest.mark.parametrize("language", ["en", "it", "ar"])
@pytest.mark.parametrize("show_group", [False, True])
def test_the_lines_are_written_as_the_template_wrote_them(language, show_group):
    community = CommunityFactory(slug="rebuild")
    group = GroupFactory(community=community, name='Team "2" & co')
    author = make_member(community, user=UserFactory(full_name="Amina <Haddad>"))
    make_member(community, user=author, group=group)
    other = make_member(community, user=UserFactory(full_name="Omar"))
    make_member(community, user=other, group=group)
    first = services.thread_start(
        community=community, by=author, title="Where do we <start>?", body="Opening", group=group
    )
    services.post_reply(thread=first, by=other, body="Here.")
    services.thread_start(community=community, by=author, title="مرحبا", body="نص")
    Thread.objects.filter(pk=first.pk).update(pinned=True, closed=True)
    threads = list(Thread.objects.select_related("group", "last_post__author").order_by("pk"))
    context = {"threads": threads, "show_group": show_group}
    now = written_alike(
        TEMPLATE_BEFORE,
        "{% load thread_lines %}{% thread_lines threads show_group=show_group %}",
        context,
        path="/",
        language=language,
    )
    assert "Where do we &lt;start&gt;?" in now and ("Team &quot;2&quot; &amp; co" in now) is show_group
