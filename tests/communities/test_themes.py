"""Themes: typing them (one theme of several words stays one), the vocabulary console, and retagging on rename/merge."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag
from taggit.utils import edit_string_for_tags, parse_tags

from communities.models import CommunityEvent, Membership, Theme
from communities.services import ThemeError, theme_add, theme_merge, theme_rename, themes_seed
from communities.theme_fields import ThemesField
from knowledge.models import KnowledgeItem
from meetings.models import Meeting
from meetings.services import meeting_schedule
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.knowledge.helpers import make_item

pytestmark = pytest.mark.django_db

Role = Membership.Role
PATTI = "patti educativi di comunità"


# --- Typing themes: the proof ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed,expected",
    [
        (PATTI, [PATTI]),
        (f'"{PATTI}"', [PATTI]),
        (f"{PATTI}, scuola, povertà educativa", [PATTI, "povertà educativa", "scuola"]),
        (f"{PATTI}، التعليم", [PATTI, "التعليم"]),
        ("الحكم المحلي، التنمية المحلية", ["التنمية المحلية", "الحكم المحلي"]),
        (f'"{PATTI}", energia', ["energia", PATTI]),
        ("energia; mobilità  sostenibile ;", ["energia", "mobilità sostenibile"]),
        ('"comunità, scuola e famiglie", welfare', ["comunità, scuola e famiglie", "welfare"]),
        ("", []),
    ],
)
def test_typed_themes_split_only_on_separators(typed, expected):
    assert parse_tags(typed) == expected
    assert ThemesField().clean(typed) == expected


@pytest.mark.parametrize(
    "names",
    [[PATTI], [PATTI, "energia"], ["comunità, scuola e famiglie", "welfare"], ["التنمية المحلية", PATTI]],
)
def test_the_edit_string_reads_back_to_the_same_themes(names):
    tags = [Tag(name=name) for name in names]

    assert parse_tags(edit_string_for_tags(tags)) == sorted(names)


def meeting_fields(**overrides):
    start = timezone.now() + timedelta(days=20)
    fields = {
        "title": "Plenary",
        "kind": Meeting.Kind.PLENARY,
        "format": Meeting.Format.ONLINE,
        "start": start,
        "end": start + timedelta(hours=2),
        "time_zone": "Europe/Rome",
        "online_url": "https://meet.example.org/plenary",
        "visibility": Meeting.Visibility.MEMBERS,
        "registration_policy": Meeting.RegistrationPolicy.OPEN,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def community(db):
    return CommunityFactory(slug="themes-cop", name="Themes CoP")


@pytest.fixture
def coordinator(community):
    return make_member(community, UserFactory(full_name="Cora Coordinator"), role=Role.COORDINATOR)


def test_a_multi_word_theme_typed_alone_on_a_meeting_stays_one_theme(client, community, coordinator):
    client.force_login(coordinator)
    url = reverse("meetings:create", kwargs={"community_slug": community.slug})
    response = client.post(
        url,
        {
            "kind": "plenary",
            "title": "Plenary",
            "format": "online",
            "start": "2031-01-14T10:00",
            "end": "2031-01-14T12:00",
            "time_zone": "Europe/Rome",
            "online_url": "https://meet.example.org/p",
            "themes": PATTI,
            "registration_policy": "open",
            "visibility": "members",
        },
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get(community=community)
    assert list(meeting.themes.names()) == [PATTI]
    # Editing shows it back as one theme.
    edit = client.get(reverse("meetings:edit", kwargs={"community_slug": community.slug, "meeting_pk": meeting.pk}))
    assert f'value="{PATTI}"' in edit.content.decode()


def test_a_multi_word_theme_typed_alone_on_a_knowledge_item_stays_one_theme(client, community, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("knowledge:item_create", kwargs={"community_slug": community.slug}),
        {
            "kind": "lesson",
            "title": "Patti in practice",
            "summary": "What worked",
            "body": "Text",
            "language": "it",
            "visibility": "community",
            "themes": f"{PATTI}، scuola",
            "authors-TOTAL_FORMS": "1",
            "authors-INITIAL_FORMS": "0",
            "authors-MIN_NUM_FORMS": "0",
            "authors-MAX_NUM_FORMS": "30",
            "authors-0-order": "1",
            "authors-0-user": str(coordinator.pk),
            "action": "publish",
        },
    )

    assert response.status_code == 302
    item = KnowledgeItem.objects.get(community=community)
    assert sorted(item.themes.names()) == [PATTI, "scuola"]


def test_the_profile_expertise_keeps_a_multi_word_area_whole(client, community):
    from members.forms import ProfileSettingsForm

    person = make_member(community)
    form = ProfileSettingsForm(instance=person)
    assert parse_tags(form.fields["expertise"].widget.format_value([Tag(name="peer review")])) == ["peer review"]
    assert form.fields["expertise"].clean("peer review of energy plans") == ["peer review of energy plans"]


def test_forms_suggest_the_active_vocabulary_without_javascript(client, community, coordinator):
    theme_add(community=community, by=coordinator, name=PATTI)
    retired = theme_add(community=community, by=coordinator, name="old theme")
    from communities.services import theme_retire

    theme_retire(theme=retired, by=coordinator)
    client.force_login(coordinator)

    for url in (
        reverse("meetings:create", kwargs={"community_slug": community.slug}),
        reverse("knowledge:item_create", kwargs={"community_slug": community.slug}),
    ):
        page = client.get(url).content.decode()
        assert 'list="id_themes-suggestions"' in page
        assert '<datalist id="id_themes-suggestions">' in page
        assert f'<option value="{PATTI}">' in page
        assert f"This community&#x27;s themes: {PATTI}." in page or f"This community's themes: {PATTI}." in page
        assert "old theme" not in page


# --- Rename and merge retag this community's objects only ------------------------------------------------


@pytest.fixture
def world(community, coordinator):
    """The same two themes on an item, a meeting, a group and the community, here and in another community."""
    other = CommunityFactory(slug="other-cop")
    built = {}
    for place in (community, other):
        group = GroupFactory(community=place)
        group.themes.set([PATTI, "scuola"])
        place.themes.set([PATTI])
        item = make_item(place, themes=[PATTI, "povertà educativa"])
        meeting = meeting_schedule(community=place, by=None, themes=[PATTI, "scuola"], **meeting_fields())
        built[place.slug] = {"group": group, "item": item, "meeting": meeting, "community": place}
    for name in (PATTI, "scuola", "povertà educativa"):
        theme_add(community=community, by=coordinator, name=name)
    CommunityEvent.objects.all().delete()
    return built


def names(obj) -> list[str]:
    obj = type(obj).objects.get(pk=obj.pk)
    return sorted(obj.themes.names())


def test_renaming_a_theme_retags_every_object_of_the_community_and_no_other(client, community, coordinator, world):
    theme = Theme.objects.get(community=community, name=PATTI)
    client.force_login(coordinator)
    response = client.post(
        reverse("communities:manage_theme_rename", kwargs={"community_slug": community.slug, "theme_pk": theme.pk}),
        {"name": "Patti educativi"},
    )

    assert response.status_code == 302
    mine, theirs = world["themes-cop"], world["other-cop"]
    assert names(mine["item"]) == ["Patti educativi", "povertà educativa"]
    assert names(mine["meeting"]) == ["Patti educativi", "scuola"]
    assert names(mine["group"]) == ["Patti educativi", "scuola"]
    assert names(mine["community"]) == ["Patti educativi"]
    for obj in theirs.values():
        assert PATTI in names(obj) and "Patti educativi" not in names(obj)
    assert Tag.objects.filter(name=PATTI).exists()  # the shared tag row is never renamed
    event = CommunityEvent.objects.get(community=community)
    assert event.action == CommunityEvent.Action.THEME_RENAMED and event.actor == coordinator
    assert event.changes["name"] == [PATTI, "Patti educativi"]
    assert event.changes["objects"] == [None, 4]


def test_a_renamed_theme_is_found_by_the_knowledge_search(community, coordinator, world):
    theme_rename(theme=Theme.objects.get(community=community, name=PATTI), by=coordinator, name="corresponsabilità")

    found = KnowledgeItem.objects.filter(search_vector="corresponsabilità", pk=world["themes-cop"]["item"].pk)
    assert found.exists()


def test_merging_two_themes_retags_every_object_and_drops_the_first(client, community, coordinator, world):
    source = Theme.objects.get(community=community, name="scuola")
    into = Theme.objects.get(community=community, name=PATTI)
    client.force_login(coordinator)
    url = reverse("communities:manage_theme_merge", kwargs={"community_slug": community.slug})
    response = client.post(url, {"theme": source.pk, "into": into.pk})

    assert response.status_code == 302
    mine, theirs = world["themes-cop"], world["other-cop"]
    # Objects that carried both keep one link.
    assert names(mine["meeting"]) == [PATTI]
    assert names(mine["group"]) == [PATTI]
    assert names(mine["item"]) == [PATTI, "povertà educativa"]
    assert names(theirs["meeting"]) == [PATTI, "scuola"]
    assert names(theirs["group"]) == [PATTI, "scuola"]
    assert not Theme.objects.filter(pk=source.pk).exists()
    event = CommunityEvent.objects.get(community=community)
    assert event.action == CommunityEvent.Action.THEME_MERGED
    assert event.changes["name"] == ["scuola", PATTI]

    # A retried POST changes nothing more.
    again = client.post(url, {"theme": source.pk, "into": into.pk})
    assert again.status_code == 400
    assert CommunityEvent.objects.filter(community=community).count() == 1


def test_renaming_to_a_name_in_the_vocabulary_asks_for_a_merge(community, coordinator, world):
    with pytest.raises(ThemeError) as refusal:
        theme_rename(theme=Theme.objects.get(community=community, name="scuola"), by=coordinator, name=PATTI.upper())

    assert "merge" in refusal.value.text


def test_a_theme_merged_into_itself_is_refused(community, coordinator, world):
    theme = Theme.objects.get(community=community, name=PATTI)
    with pytest.raises(ThemeError):
        theme_merge(theme=theme, into=theme, by=coordinator)


# --- Vocabulary: add, seed ---------------------------------------------------------------------------------


def test_adding_a_theme_twice_keeps_one_and_records_once(community, coordinator):
    theme_add(community=community, by=coordinator, name="  energia  ")
    theme_add(community=community, by=coordinator, name="energia")

    assert list(Theme.objects.filter(community=community).values_list("name", flat=True)) == ["energia"]
    assert CommunityEvent.objects.filter(community=community, action="theme_added").count() == 1


@pytest.mark.parametrize("name", ["", "a, b", 'say "x"', "x" * 101])
def test_a_bad_theme_name_is_refused(client, community, coordinator, name):
    client.force_login(coordinator)
    response = client.post(
        reverse("communities:manage_themes", kwargs={"community_slug": community.slug}), {"name": name}
    )

    assert response.status_code == 400
    assert not Theme.objects.filter(community=community).exists()


def test_seeding_fills_each_vocabulary_from_what_its_objects_carry(community, coordinator):
    group = GroupFactory(community=community)
    group.themes.set(["scuola"])
    make_item(community, themes=[PATTI])
    meeting_schedule(community=community, by=None, themes=["energia"], **meeting_fields())
    Theme.objects.create(community=community, name="Scuola")  # already there, in another case
    other = CommunityFactory()
    make_item(other, themes=["elsewhere"])

    call_command("seed_themes", community.slug)
    assert sorted(Theme.objects.filter(community=community).values_list("name", flat=True)) == [
        "Scuola",
        "energia",
        PATTI,
    ]
    assert themes_seed(community=community) == []  # idempotent
    assert not Theme.objects.filter(community=other).exists()


def test_the_themes_page_lists_themes_in_use_that_the_vocabulary_lacks(client, community, coordinator):
    make_item(community, themes=["mobilità"])
    client.force_login(coordinator)
    page = client.get(reverse("communities:manage_themes", kwargs={"community_slug": community.slug}))

    assert "In use, not in the vocabulary" in page.content.decode()
    assert "mobilità" in page.content.decode()


def test_the_themes_page_runs_a_fixed_number_of_queries(client, community, coordinator, django_assert_max_num_queries):
    client.force_login(coordinator)
    url = reverse("communities:manage_themes", kwargs={"community_slug": community.slug})
    for index in range(2):
        theme_add(community=community, by=coordinator, name=f"theme {index}")
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for index in range(2, 25):
        make_item(community, themes=[f"theme {index}"])
        theme_add(community=community, by=coordinator, name=f"theme {index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# --- Every action: coordinator yes (recorded); facilitator, member, outsider 404 ---------------------------


def _actions(community, theme, other):
    base = {"community_slug": community.slug}
    return {
        "add": (reverse("communities:manage_themes", kwargs=base), {"name": "nuovo"}, "theme_added"),
        "rename": (
            reverse("communities:manage_theme_rename", kwargs={**base, "theme_pk": theme.pk}),
            {"name": "renamed"},
            "theme_renamed",
        ),
        "retire": (
            reverse("communities:manage_theme_retire", kwargs={**base, "theme_pk": theme.pk}),
            {},
            "theme_retired",
        ),
        "merge": (
            reverse("communities:manage_theme_merge", kwargs=base),
            {"theme": other.pk, "into": theme.pk},
            "theme_merged",
        ),
    }


@pytest.mark.parametrize("action", ["add", "rename", "retire", "merge", "restore"])
@pytest.mark.parametrize("who", ["coordinator", "facilitator", "member", "outsider"])
def test_every_theme_action_is_for_coordinators_only(client, community, coordinator, who, action):
    theme = Theme.objects.create(community=community, name="first")
    other = Theme.objects.create(community=community, name="second")
    group = GroupFactory(community=community)
    user = {
        "coordinator": coordinator,
        "facilitator": make_member(community, make_member(community), role=Role.FACILITATOR, group=group),
        "member": make_member(community),
        "outsider": UserFactory(),
    }[who]
    if action == "restore":
        Theme.objects.filter(pk=theme.pk).update(retired_at=timezone.now())
        url = reverse(
            "communities:manage_theme_restore", kwargs={"community_slug": community.slug, "theme_pk": theme.pk}
        )
        data, recorded = {}, "theme_restored"
    else:
        url, data, recorded = _actions(community, theme, other)[action]
    client.force_login(user)

    page = client.get(reverse("communities:manage_themes", kwargs={"community_slug": community.slug}))
    response = client.post(url, data)

    events = CommunityEvent.objects.filter(community=community)
    if who == "coordinator":
        assert page.status_code == 200
        assert response.status_code == 302
        assert list(events.values_list("action", "actor")) == [(recorded, coordinator.pk)]
    else:
        assert page.status_code == 404
        assert response.status_code == 404
        assert not events.exists()
        assert sorted(Theme.objects.filter(community=community).values_list("name", flat=True)) == ["first", "second"]


def test_a_theme_of_another_community_answers_404(client, community, coordinator):
    foreign = Theme.objects.create(community=CommunityFactory(), name="foreign")
    client.force_login(coordinator)
    url = reverse("communities:manage_theme_retire", kwargs={"community_slug": community.slug, "theme_pk": foreign.pk})

    assert client.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.retired_at is None
