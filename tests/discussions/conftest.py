"""Fixtures of the discussion tests: a community with a thread, and helpers to reach its pages."""

import pytest
from django.urls import reverse

from discussions import services


def url(name, community, **kwargs):
    return reverse(f"discussions:{name}", kwargs={"community_slug": community.slug, **kwargs})


@pytest.fixture
def thread(community, member):
    return services.thread_start(community=community, by=member, title="Where do we start?", body="Opening **post**")


@pytest.fixture
def smtp_server(services):
    """Run `manage.py receive_mail` as a real process on a free port, on the test database; give (port, service)."""
    from tests.discussions.inbound_smtp import start_receive_mail

    yield start_receive_mail(services)
