"""Shared components: readable community accents, the form error summary, pagination and empty states."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory

from cop_portal.design import accent_for, contrast_ratio, darken_until, readable_text_on
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("colour", ["#f5c400", "#ffffff", "#1f5f8b", "#00ff00", "#000000", "#7a1f1f", "#87ceeb"])
def test_every_accent_yields_readable_text_on_it_and_a_readable_shade_on_white(colour):
    accent = accent_for(colour)
    assert contrast_ratio(accent.on_base, accent.base) >= 4.5
    assert contrast_ratio(accent.strong, "#ffffff") >= 4.5


def test_a_dark_accent_is_kept_as_chosen_and_a_light_one_gets_dark_text():
    assert darken_until("#1f5f8b") == "#1f5f8b"
    assert readable_text_on("#1f5f8b") == "#ffffff"
    assert readable_text_on("#f5c400") != "#ffffff"


def test_a_malformed_colour_falls_back_to_the_portals_accent():
    assert accent_for("javascript:alert(1)").base == "#1f5f8b"
    assert accent_for("#12345").base == "#1f5f8b"


def test_the_directory_gives_each_card_its_accent_through_a_class_without_inline_styles(client):
    bright = CommunityFactory(name="Bright", accent_color="#f5c400")
    html = client.get("/").content.decode()
    assert f'class="card h-100 community-card accent-{bright.pk}"' in html
    rule = re.search(rf"\.accent-{bright.pk}\{{([^}}]*)\}}", html).group(1)
    assert "--cop-accent:#f5c400" in rule
    assert f"--cop-accent-strong:{accent_for('#f5c400').strong}" in rule
    assert " style=" not in html.split("<body>")[1], "no inline style attribute in the page"


def test_a_community_page_carries_its_accent_for_the_community_bar(client):
    community = CommunityFactory(accent_color="#7a1f1f")
    html = client.get(community.get_absolute_url()).content.decode()
    assert f'<div class="community-bar accent-{community.pk}">' in html
    assert f".accent-{community.pk}{{--cop-accent:#7a1f1f;--cop-accent-contrast:#ffffff" in html
    assert re.search(r'<style nonce="[^"]+">', html), "the accent rules carry the request's nonce"


class SampleForm(forms.Form):
    title = forms.CharField(label="Title", max_length=10)
    email = forms.EmailField(label="Email address")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea)

    def clean(self):
        data = super().clean()
        if data.get("title") == "same" and data.get("note") == "same":
            raise forms.ValidationError("Title and note must differ.")
        return data


def render(form) -> str:
    return Template("{{ form }}").render(Context({"form": form}))


def test_a_form_with_errors_summarises_them_at_the_top_with_links_to_the_fields():
    form = SampleForm({"title": "far too long a title", "email": "not-an-email", "note": "kept"})
    html = render(form)
    summary = html.split('class="alert alert-danger form-error-summary"')[1].split("</div>")[0]
    assert 'role="alert"' in html and 'tabindex="-1"' in html
    assert '<a href="#id_title">Title: ' in summary
    assert '<a href="#id_email">Email address: Enter a valid email address.</a>' in summary
    # The error also stays next to its field, which points at it for screen readers.
    assert 'id="id_email_error"' in html
    assert re.search(r'<input type="email" name="email"[^>]*aria-describedby="id_email_error"', html)
    assert re.search(r'<input type="email" name="email"[^>]*aria-invalid="true"', html)
    # Nothing typed is lost.
    assert 'value="far too long a title"' in html and 'value="not-an-email"' in html and ">\nkept</textarea>" in html


def test_errors_about_the_whole_form_are_in_the_summary():
    html = render(SampleForm({"title": "same", "email": "a@example.org", "note": "same"}))
    assert "<li>Title and note must differ.</li>" in html


def test_a_valid_or_unbound_form_has_no_summary():
    assert "form-error-summary" not in render(SampleForm())
    assert "form-error-summary" not in render(SampleForm({"title": "ok", "email": "a@example.org"}))


def test_pagination_keeps_the_query_and_names_the_pages():
    from django.core.paginator import Paginator

    page = Paginator(list(range(45)), 10).get_page(2)
    html = Template('{% include "partials/_pagination.html" with page=page query="q=water" label="Pages of results" %}')
    out = html.render(Context({"page": page}))
    assert 'aria-label="Pages of results"' in out
    assert 'href="?q=water&amp;page=1" rel="prev"' in out and 'href="?q=water&amp;page=3" rel="next"' in out
    assert 'aria-current="page"' in out and "Page 2 of 5" in out


def test_the_empty_state_says_what_is_missing_and_offers_the_next_step():
    template = Template(
        '{% include "partials/_empty_state.html" with message="No meeting yet." '
        'action_url="/new/" action_label="Plan one" %}'
    )
    out = template.render(Context({}))
    assert "No meeting yet." in out and 'href="/new/"' in out and "Plan one" in out


def test_messages_are_announced_errors_at_once_and_the_rest_politely(client, settings):
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = RequestFactory().get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    messages.error(request, "It went wrong.")
    messages.success(request, "It worked.")
    out = Template('{% include "partials/_messages.html" %}').render(
        Context({"messages": messages.get_messages(request)})
    )
    assert '<div class="alert alert-danger" role="alert">It went wrong.</div>' in out
    assert '<div class="alert alert-success" role="status">It worked.</div>' in out
