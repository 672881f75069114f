"""Fixtures of the discussion tests: a community with a thread, and helpers to reach its pages."""

import pytest
from django.urls import reverse

from discussions import services


def url(name, community, **kwargs):
    return reverse(f"discussions:{name}", kwargs={"community_slug": community.slug, **kwargs})


@pytest.fixture
def thread(community, member):
    return services.thread_start(community=community, by=member, title="Where do we start?", body="Opening **post**")
