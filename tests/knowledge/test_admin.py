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


def test_deleting_an_item_in_the_admin_goes_through_the_service_and_removes_its_stored_files(
    client, community, superuser, django_capture_on_commit_callbacks
):
    from knowledge import services
    from tests.knowledge.helpers import PDF, upload

    item = make_item(community)
    attached = services.file_attach(item=item, by=item.created_by, upload=upload("plan.pdf", PDF))
    storage, name = attached.file.storage, attached.file.name
    assert storage.exists(name)
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:knowledge_knowledgeitem_delete", args=[item.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not KnowledgeItem.objects.filter(pk=item.pk).exists()
    assert not storage.exists(name)


def test_staff_who_do_not_coordinate_the_community_cannot_remove_a_comment_in_the_admin(client, community):
    from django.contrib.auth.models import Permission

    from knowledge import services
    from knowledge.models import Comment
    from tests.factories import make_member

    item = make_item(community)
    author = make_member(community)
    comment = services.comment_create(item=item, by=author, body="A useful remark")
    staff = UserFactory(email="staff@example.org", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_comment", "delete_comment"]))
    client.force_login(staff)
    response = client.post(reverse("admin:knowledge_comment_delete", args=[comment.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_a_portal_administrator_removes_a_comment_in_the_admin_through_the_moderation_service(
    client, community, superuser
):
    from knowledge import services
    from knowledge.models import Comment
    from tests.factories import make_member

    comment = services.comment_create(item=make_item(community), by=make_member(community), body="Off topic")
    client.force_login(superuser)
    response = client.post(reverse("admin:knowledge_comment_delete", args=[comment.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()
