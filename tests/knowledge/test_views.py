"""Knowledge pages, used as a person would without JavaScript: forms in, redirects and pages out."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Membership
from knowledge import services
from knowledge.models import Answer, Comment, Follow, ItemAuthor, KnowledgeItem, Review, ReviewRound, Revision
from knowledge.services import AuthorSpec
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member

from .helpers import PDF, make_coordinator, make_item, make_round, upload

pytestmark = pytest.mark.django_db
V = KnowledgeItem.Visibility
K = KnowledgeItem.Kind


def url(name, community, *args, **query):
    path = reverse(f"knowledge:{name}", args=[community.slug, *args])
    if query:
        from urllib.parse import urlencode

        path += "?" + urlencode(query)
    return path


def item_form_data(members=(), **fields):
    data = {
        "kind": K.LESSON,
        "title": "Lessons learnt from the pilot",
        "summary": "What worked in Misrata.",
        "body": "We **learnt** a lot.",
        "language": "en",
        "visibility": V.COMMUNITY,
        "themes": "basic services, local development",
        "licence": "cc-by-4.0",
        "links": "Presentation | https://example.org/slides\nhttps://example.org/video",
        "authors-TOTAL_FORMS": "4",
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "30",
        "action": "publish",
    }
    for n, member in enumerate(members):
        data[f"authors-{n}-order"] = str(n + 1)
        data[f"authors-{n}-user"] = str(member.pk)
    data.update(fields)
    return data


@pytest.fixture
def community():
    return CommunityFactory(slug="rebuild", name="REBUILD")


# ----------------------------------------------------------------------------- list


def test_the_list_shows_what_the_viewer_may_see(client, community):
    make_item(community, title="Open lesson", visibility=V.PUBLIC)
    make_item(community, title="Members lesson", visibility=V.COMMUNITY)
    page = client.get(url("list", community)).content.decode()
    assert "Open lesson" in page and "Members lesson" not in page
    client.force_login(make_member(community))
    page = client.get(url("list", community)).content.decode()
    assert "Open lesson" in page and "Members lesson" in page


def test_the_list_filters_by_kind_theme_group_language_author_organisation_and_date(client, community):
    group = GroupFactory(community=community, slug="team-1")
    org = OrganizationFactory(name="University of Benghazi")
    author = make_member(community)
    make_member(community, user=author, group=group)
    make_item(community, title="Alpha", kind=K.CASE_STUDY, themes=["water"], author=author, organizations=[org])
    make_item(community, title="Beta", kind=K.LESSON, language="ar", group=group, visibility=V.GROUP, author=author)
    other = make_item(community, title="Gamma", kind=K.LESSON)
    KnowledgeItem.objects.filter(pk=other.pk).update(published_at=timezone.now() - timedelta(days=400))
    client.force_login(author)

    def titles(**query):
        page = client.get(url("list", community, **query))
        assert page.status_code == 200
        return {t for t in ("Alpha", "Beta", "Gamma") if f">{t}</a>" in page.content.decode()}

    assert titles() == {"Alpha", "Beta", "Gamma"}
    assert titles(kind="case_study") == {"Alpha"}
    assert titles(theme="water") == {"Alpha"}
    assert titles(group="team-1") == {"Beta"}
    assert titles(language="ar") == {"Beta"}
    assert titles(author=author.pk) == {"Alpha", "Beta"}
    assert titles(organization=org.pk) == {"Alpha"}
    past = (timezone.now() - timedelta(days=30)).date().isoformat()
    assert titles(published_after=past) == {"Alpha", "Beta"}
    assert titles(published_before=past) == {"Gamma"}
    assert titles(kind="no-such-kind") == {"Alpha", "Beta", "Gamma"}  # a bad filter is ignored, not a crash


def _many(community, author, count, offset=0):
    group = GroupFactory(community=community)
    for n in range(count):
        item = make_item(
            community,
            author=author,
            title=f"Item {offset + n}",
            themes=[f"theme {n}", "shared"],
            organizations=[OrganizationFactory()],
            authors=[AuthorSpec(user=author), AuthorSpec(name=f"External {n}", affiliation="University")],
        )
        services.comment_create(by=author, item=item, body=f"Comment {n}")
    return group


def test_the_list_runs_a_constant_number_of_queries(client, community, django_assert_max_num_queries):
    author = make_member(community)
    client.force_login(author)
    _many(community, author, 2)
    client.get(url("list", community))  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from knowledge import list_cache

    list_cache.names_changed()  # the kept count and suggestions are computed again: the full count
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("list", community)).status_code == 200
    _many(community, author, 15, offset=100)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("list", community)).status_code == 200
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as kept:  # the same question again: the count and suggestions kept
        assert client.get(url("list", community)).status_code == 200
    assert len(kept) == len(few) - 2
    with django_assert_max_num_queries(len(few)):
        client.get(url("list", community, theme="shared"))


def test_the_item_page_runs_a_constant_number_of_queries(client, community):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    author = make_member(community)
    item = make_item(community, author=author, kind=K.QUESTION)
    client.force_login(author)
    client.get(url("item", community, item.pk))

    def add(n):
        for i in range(n):
            commenter = make_member(community)
            services.comment_create(by=commenter, item=item, body=f"Comment {n}-{i}")
            services.answer_create(item=item, by=commenter, body=f"Answer {n}-{i}")
            services.file_attach(item=item, by=author, upload=upload(f"file-{n}-{i}.pdf", PDF + str(i).encode()))
        services.item_update(
            item=item, by=author, authors=[AuthorSpec(user=author)] + [AuthorSpec(name=f"Ext {i}") for i in range(n)]
        )

    add(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("item", community, item.pk)).status_code == 200
    add(6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("item", community, item.pk)).status_code == 200
    assert len(many) == len(few)


# ----------------------------------------------------------------------------- item page and forms


def test_a_script_in_a_title_is_shown_escaped(client, community):
    item = make_item(community, title="<script>alert('x')</script>Plan", visibility=V.PUBLIC)
    page = client.get(url("item", community, item.pk)).content.decode()
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;" in page


def test_a_member_creates_and_publishes_an_item_with_a_file_and_two_co_authors(client, community):
    author, first, second = make_member(community), make_member(community), make_member(community)
    client.force_login(author)
    assert client.get(url("item_create", community)).status_code == 200
    data = item_form_data(members=[author, first, second])
    data["authors-3-name"] = "Omar External"
    data["authors-3-affiliation"] = "University of Tripoli"
    data["authors-3-order"] = "2"
    data["authors-1-order"], data["authors-2-order"] = "3", "4"
    data["file"] = upload("lessons.pdf", PDF)
    response = client.post(url("item_create", community), data)
    item = KnowledgeItem.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert item.status == KnowledgeItem.Status.PUBLISHED
    assert [a.display_name for a in ItemAuthor.objects.filter(item=item)] == [
        author.get_full_name(),
        "Omar External",
        first.get_full_name(),
        second.get_full_name(),
    ]
    assert item.files.get().original_name == "lessons.pdf"
    assert sorted(item.themes.names()) == ["basic services", "local development"]
    assert item.links[0] == {"title": "Presentation", "url": "https://example.org/slides"}
    # Both co-authors may now edit.
    for co_author in (first, second):
        client.force_login(co_author)
        assert client.get(url("item_edit", community, item.pk)).status_code == 200


def test_a_bad_file_in_the_form_stores_nothing(client, community):
    author = make_member(community)
    client.force_login(author)
    data = item_form_data(members=[author], file=upload("plan.pdf", b"<html>not a pdf</html>"))
    response = client.post(url("item_create", community), data)
    assert response.status_code == 200
    assert "does not match its type" in response.content.decode()
    assert not KnowledgeItem.objects.exists()


def test_a_non_member_author_in_the_form_is_refused_with_a_message(client, community):
    author = make_member(community)
    client.force_login(author)
    stranger = UserFactory(full_name="Stranger Person")
    response = client.post(url("item_create", community), item_form_data(members=[author, stranger]))
    assert response.status_code == 200
    assert not KnowledgeItem.objects.exists()


def test_people_who_cannot_edit_are_sent_back_to_the_item(client, community):
    item = make_item(community)
    client.force_login(make_member(community))
    response = client.get(url("item_edit", community, item.pk))
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    response = client.post(url("item_edit", community, item.pk), item_form_data(title="Hijacked"))
    item.refresh_from_db()
    assert item.title != "Hijacked"


def test_editing_keeps_history_and_a_revision_can_be_restored(client, community):
    author = make_member(community)
    item = make_item(community, author=author, title="First title")
    client.force_login(author)
    response = client.post(
        url("item_edit", community, item.pk), item_form_data(members=[author], title="Second title", action="save")
    )
    assert response.status_code == 302
    history = client.get(url("history", community, item.pk)).content.decode()
    assert "title" in history and "Restore" in history
    first = item.revisions.get(number=1)
    assert client.get(url("revision", community, first.pk)).status_code == 200
    client.post(url("revision_restore", community, first.pk))
    item.refresh_from_db()
    assert item.title == "First title"
    assert item.revisions.order_by("-number").first().action == Revision.Action.RESTORED


def test_members_comment_without_javascript_and_outsiders_cannot(client, community):
    item = make_item(community, visibility=V.PUBLIC)
    client.force_login(UserFactory())
    client.post(url("comment_create", community, item.pk), {"body": "Outsider says hi"})
    assert not Comment.objects.exists()
    member = make_member(community)
    client.force_login(member)
    response = client.post(url("comment_create", community, item.pk), {"body": "Useful lesson."})
    assert response.status_code == 302
    assert client.get(url("item", community, item.pk)).content.decode().count("Useful lesson.") == 1
    client.post(url("comment_create", community, item.pk), {"body": "Useful lesson."})  # double submit
    assert Comment.objects.count() == 1


def test_a_question_gets_answers_and_the_asker_accepts_one(client, community):
    asker = make_member(community)
    question = make_item(community, author=asker, kind=K.QUESTION, title="Who ran a participatory budget?")
    helper = make_member(community)
    client.force_login(helper)
    client.post(url("answer_create", community, question.pk), {"body": "Comune di Bologna did, in 2017."})
    answer = Answer.objects.get()
    client.post(url("answer_accept", community, answer.pk))  # not the asker: nothing changes
    answer.refresh_from_db()
    assert not answer.is_accepted
    client.force_login(asker)
    page = client.get(url("item", community, question.pk)).content.decode()
    assert "Accept this answer" in page
    client.post(url("answer_accept", community, answer.pk))
    answer.refresh_from_db()
    assert answer.is_accepted
    assert "Accepted answer" in client.get(url("item", community, question.pk)).content.decode()


def test_follow_buttons_work_without_javascript(client, community):
    group = GroupFactory(community=community)
    item = make_item(community, themes=["energy"])
    member = make_member(community)
    client.force_login(member)
    client.post(url("item_follow", community, item.pk), {"action": "follow"})
    client.post(reverse("knowledge:group_follow", args=[community.slug, group.slug]), {"action": "follow"})
    client.post(reverse("tags:follow", args=["energy"]), {"action": "follow"})
    assert Follow.objects.filter(user=member).count() == 3
    assert "Unfollow" in client.get(url("item", community, item.pk)).content.decode()
    client.post(url("item_follow", community, item.pk), {"action": "unfollow"})
    assert Follow.objects.filter(user=member).count() == 2


def test_group_only_items_and_their_history_comments_and_rounds_are_hidden_from_other_members(client, community):
    group = GroupFactory(community=community)
    author = make_member(community)
    make_member(community, user=author, group=group)
    item = make_item(community, author=author, visibility=V.GROUP, group=group, title="Group SECRET")
    services.comment_create(by=author, item=item, body="Comment SECRET")
    reviewer = make_member(community)
    make_member(community, user=reviewer, group=group)
    review_round = make_round(item, author=author, reviewers=[reviewer])
    other = make_member(community)
    client.force_login(other)
    for path in (
        url("item", community, item.pk),
        url("history", community, item.pk),
        url("revision", community, item.revisions.first().pk),
        url("review_round", community, review_round.pk),
        url("item_edit", community, item.pk),
    ):
        response = client.get(path)
        assert response.status_code == 404, path
    assert "SECRET" not in client.get(url("list", community)).content.decode()


def test_anonymous_visitors_are_asked_to_sign_in_for_members_items(client, community):
    item = make_item(community, visibility=V.COMMUNITY)
    response = client.get(url("item", community, item.pk))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# ----------------------------------------------------------------------------- peer review pages


def test_a_review_round_runs_through_its_pages(client, community):
    author = make_member(community)
    reviewer = make_member(community)
    item = make_item(community, author=author, title="Energy plan of Padova")
    client.force_login(author)
    assert client.get(url("review_request", community, item.pk)).status_code == 200
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    response = client.post(
        url("review_request", community, item.pk), {"reviewers": [reviewer.pk], "due_date": due, "message": "Targets?"}
    )
    review_round = ReviewRound.objects.get()
    assert response["Location"] == review_round.get_absolute_url()
    client.force_login(reviewer)
    page = client.get(url("review_round", community, review_round.pk)).content.decode()
    assert "Your review" in page
    client.post(
        url("review_submit", community, review_round.pk),
        {
            "strengths": "Good inventory",
            "weaknesses": "Few targets",
            "recommendations": "Add targets",
            "opinion": "minor",
        },
    )
    review_round.refresh_from_db()
    assert review_round.state == ReviewRound.State.COMPLETED
    client.force_login(author)
    page = client.get(url("review_round", community, review_round.pk)).content.decode()
    assert "Good inventory" in page and "Respond to the reviews" in page
    client.post(url("review_respond", community, review_round.pk), {"response": "Targets added."})
    review_round.refresh_from_db()
    assert review_round.author_response == "Targets added."
    # Another member sees the state but not the reviews.
    client.force_login(make_member(community))
    page = client.get(url("review_round", community, review_round.pk)).content.decode()
    assert "Completed" in page and "Good inventory" not in page and "Targets added." not in page


def test_a_review_request_without_reviewers_shows_a_message(client, community):
    author = make_member(community)
    item = make_item(community, author=author)
    client.force_login(author)
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    response = client.post(url("review_request", community, item.pk), {"due_date": due})
    assert response.status_code == 200 and "Choose reviewers or organisations." in response.content.decode()
    assert not ReviewRound.objects.exists()
    assert not Review.objects.exists()


# ----------------------------------------------------------------------------- collections


@pytest.fixture
def quaderno(community):
    editor = make_coordinator(community)
    collection = services.collection_create(
        community=community, by=editor, title="Quaderno dell'osservatorio 2021", introduction="Articoli a più mani."
    )
    author = make_member(community)
    first = make_item(
        community,
        author=author,
        title="Biodiversità e agricoltura",
        body="Testo del primo articolo.",
        authors=[AuthorSpec(user=author), AuthorSpec(name="Lucia Verdi", affiliation="Legambiente")],
    )
    second = make_item(community, author=author, title="Corridoi ecologici", body="Secondo articolo.")
    hidden = make_item(community, author=author, title="Bozza riservata", published=False)
    for item in (first, second, hidden):
        services.collection_add_item(collection=collection, item=item, by=editor)
    return {"collection": collection, "editor": editor, "first": first, "second": second, "hidden": hidden}


def test_collections_list_detail_and_reorder_without_javascript(client, community, quaderno):
    collection, editor = quaderno["collection"], quaderno["editor"]
    client.force_login(editor)
    assert "Quaderno" in client.get(url("collections", community)).content.decode()
    client.post(url("collection_entries", community, collection.pk), {"item": quaderno["second"].pk, "action": "up"})
    page = client.get(url("collection", community, collection.pk)).content.decode()
    assert page.index("Corridoi ecologici") < page.index("Biodiversità e agricoltura")


def test_a_coordinator_creates_a_collection_through_the_form(client, community):
    coordinator = make_coordinator(community)
    client.force_login(coordinator)
    response = client.post(
        url("collection_create", community),
        {"title": "Documento condiviso di strumenti e strategie", "introduction": "", "visibility": "community"},
    )
    assert response.status_code == 302
    client.force_login(make_member(community))
    response = client.get(url("collection_create", community))
    assert response.status_code == 302  # members are told only curators start collections


def test_the_exports_have_contents_authors_and_only_visible_items(client, community, quaderno):
    collection = quaderno["collection"]
    client.force_login(make_member(community))
    printable = client.get(url("collection_print", community, collection.pk)).content.decode()
    assert "Contents" in printable and "Lucia Verdi" in printable and "Bozza riservata" not in printable
    response = client.get(url("collection_html", community, collection.pk))
    html = response.content.decode()
    assert response["Content-Disposition"].startswith("attachment;")
    assert f'href="#item-{quaderno["first"].pk}"' in html
    assert "Legambiente" in html and "Testo del primo articolo." in html
    assert "Bozza riservata" not in html
    response = client.get(url("collection_pdf", community, collection.pk))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_collection_pages_keep_a_constant_number_of_queries(client, community, quaderno):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    collection, editor = quaderno["collection"], quaderno["editor"]
    client.force_login(editor)
    path = url("collection_html", community, collection.pk)
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    for n in range(6):
        item = make_item(community, author=quaderno["first"].created_by, title=f"Extra {n}", themes=[f"t{n}"])
        services.collection_add_item(collection=collection, item=item, by=editor)
    with CaptureQueriesContext(connection) as many:
        client.get(path)
    assert len(many) == len(few)


# ----------------------------------------------------------------------------- feed and tags


def test_the_atom_feed_holds_only_public_items(client, community):
    make_item(community, title="Summer School in Trentino video", kind=K.VIDEO, visibility=V.PUBLIC)
    make_item(community, title="Members only lesson", visibility=V.COMMUNITY)
    response = client.get(url("feed", community))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "Summer School in Trentino video" in body and "Members only lesson" not in body
    client.force_login(make_member(community))
    assert "Members only lesson" not in client.get(url("feed", community)).content.decode()


def test_a_members_only_community_has_no_public_feed(client):
    closed = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    make_item(closed, title="Inside lesson", visibility=V.PUBLIC)
    assert client.get(url("feed", closed)).status_code in {302, 404}
    client.force_login(make_member(closed))
    response = client.get(url("feed", closed))
    assert response.status_code == 200 and "Inside lesson" not in response.content.decode()


def test_tag_pages_span_communities_but_only_what_the_viewer_sees(client, community):
    other = CommunityFactory(name="Capitale naturale")
    closed = CommunityFactory(name="Closed", visibility=Community.Visibility.MEMBERS)
    make_item(community, title="Open water lesson", visibility=V.PUBLIC, themes=["water"])
    make_item(other, title="Another water lesson", visibility=V.PUBLIC, themes=["water"])
    make_item(closed, title="Closed water lesson", visibility=V.PUBLIC, themes=["water", "secret-theme"])
    page = client.get(reverse("tags:detail", args=["water"])).content.decode()
    assert "Open water lesson" in page and "Another water lesson" in page and "Closed water lesson" not in page
    assert client.get(reverse("tags:detail", args=["secret-theme"])).status_code == 404
    member = make_member(closed)
    client.force_login(member)
    assert "Closed water lesson" in client.get(reverse("tags:detail", args=["water"])).content.decode()


def test_publishing_and_unpublishing_from_the_item_page(client, community):
    author = make_member(community)
    item = make_item(community, author=author, published=False)
    client.force_login(author)
    client.post(url("item_publish", community, item.pk), {"action": "publish"})
    item.refresh_from_db()
    assert item.is_published
    client.post(url("item_publish", community, item.pk), {"action": "unpublish"})
    item.refresh_from_db()
    assert not item.is_published
    client.force_login(make_member(community, role=Membership.Role.MEMBER))
    client.post(url("item_publish", community, item.pk), {"action": "publish"})
    item.refresh_from_db()
    assert not item.is_published


def test_the_community_home_shows_the_latest_knowledge_the_viewer_may_see(client, community):
    make_item(community, title="Open lesson", visibility=V.PUBLIC)
    make_item(community, title="Members lesson", visibility=V.COMMUNITY)
    home = reverse("communities:home", args=[community.slug])
    page = client.get(home).content.decode()
    assert "Open lesson" in page and "Members lesson" not in page
    client.force_login(make_member(community))
    page = client.get(home).content.decode()
    assert "Members lesson" in page and url("item_create", community) in page


def test_a_double_submitted_item_form_creates_one_item(client, community):
    author = make_member(community)
    client.force_login(author)
    data = item_form_data(members=[author])
    first = client.post(url("item_create", community), data)
    second = client.post(url("item_create", community), data)
    assert KnowledgeItem.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_the_editor_deletes_a_collection_but_not_its_items(client, community, quaderno):
    collection = quaderno["collection"]
    client.force_login(make_member(community))
    client.post(url("collection_delete", community, collection.pk))
    assert collection.__class__.objects.filter(pk=collection.pk).exists()
    client.force_login(quaderno["editor"])
    response = client.post(url("collection_delete", community, collection.pk))
    assert response["Location"] == url("collections", community)
    assert not collection.__class__.objects.filter(pk=collection.pk).exists()
    assert KnowledgeItem.objects.filter(pk=quaderno["first"].pk).exists()


def test_a_group_can_be_followed_from_the_list_filtered_by_it(client, community):
    group = GroupFactory(community=community, slug="technical-staff", name="Technical staff")
    member = make_member(community)
    client.force_login(member)
    page = client.get(url("list", community, group="technical-staff")).content.decode()
    follow = reverse("knowledge:group_follow", args=[community.slug, group.slug])
    assert follow in page
    back = url("list", community, group="technical-staff")
    response = client.post(follow, {"action": "follow", "next": back})
    assert response["Location"] == back
    assert Follow.objects.filter(user=member, group=group).exists()
    response = client.post(follow, {"action": "follow", "next": "https://evil.example/"})
    assert response["Location"] == group.get_absolute_url()


def test_the_pdf_export_never_fetches_images_named_in_user_text(client, community, quaderno, monkeypatch):
    services.item_update(
        item=quaderno["first"], by=quaderno["first"].created_by, body="![map](https://tracker.example/pixel.png) Testo"
    )
    seen = []
    from xhtml2pdf import pisa

    real = pisa.CreatePDF

    def spy(html, *args, **kwargs):
        seen.append(html)
        return real(html, *args, **kwargs)

    monkeypatch.setattr(pisa, "CreatePDF", spy)
    client.force_login(quaderno["editor"])
    assert client.get(url("collection_pdf", community, quaderno["collection"].pk)).status_code == 200
    assert "tracker.example" not in seen[0] and "Testo" in seen[0]
    html = client.get(url("collection_html", community, quaderno["collection"].pk)).content.decode()
    assert "https://tracker.example/pixel.png" in html  # the HTML file keeps them for the reader's browser


def test_a_collection_with_arabic_text_exports_to_pdf(client, community):
    coordinator = make_coordinator(community)
    collection = services.collection_create(community=community, by=coordinator, title="الدروس المستفادة")
    item = make_item(community, author=coordinator, title="الدروس المستفادة من المشروع التجريبي", language="ar")
    services.collection_add_item(collection=collection, item=item, by=coordinator)
    client.force_login(coordinator)
    response = client.get(url("collection_pdf", community, collection.pk))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    from knowledge.views import _pdf_font

    if _pdf_font():  # a font with Arabic glyphs is embedded when the system has one (DejaVu Sans)
        assert b"DejaVu" in response.content
