"""The knowledge admin reads and curates through knowledge.services; it writes nothing of its own."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from knowledge.models import KnowledgeItem, Revision
from tests.factories import UserFactory
from tests.knowledge.helpers import make_item
from tests.people.admin_forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


def test_an_item_cannot_be_edited_in_the_admin(client, community, superuser):
    item = make_item(community, title="Lessons from the pilot")
    client.force_login(superuser)
    url = reverse("admin:knowledge_knowledgeitem_change", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200
    fields = form_data(page.content.decode(), form_id="knowledgeitem_form")
    fields["title"] = ["Edited behind the site's back"]
    assert client.post(url, fields).status_code == 403
    item.refresh_from_db()
    assert item.title == "Lessons from the pilot"


def test_unpublishing_in_the_admin_goes_through_the_service_and_keeps_a_revision(client, community, superuser):
    item = make_item(community)
    revisions = Revision.objects.filter(item=item).count()
    client.force_login(superuser)
    response = client.post(
        reverse("admin:knowledge_knowledgeitem_changelist"),
        {"action": "unpublish_selected", ACTION_CHECKBOX_NAME: [item.pk], "index": 0},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == KnowledgeItem.Status.DRAFT
    assert Revision.objects.filter(item=item).count() == revisions + 1


def test_revisions_are_not_deleted_on_their_own_but_go_with_their_item(client, community, superuser):
    item = make_item(community)
    revision = Revision.objects.filter(item=item).first()
    client.force_login(superuser)
    response = client.post(reverse("admin:knowledge_revision_delete", args=[revision.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Revision.objects.filter(pk=revision.pk).exists()
    response = client.post(reverse("admin:knowledge_knowledgeitem_delete", args=[item.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Revision.objects.filter(item_id=item.pk).exists()
