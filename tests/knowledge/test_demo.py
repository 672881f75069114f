"""Demo knowledge: real-looking items in each of the five communities, a Quaderno and a MULTIPLY peer review."""

import pytest
from django.core import mail

from knowledge.demo import seed_knowledge
from knowledge.models import Answer, Collection, KnowledgeItem, Review, ReviewRound

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_data):
    # seed_demo has seeded the knowledge once for the session; what a second seeding reports is the baseline.
    mail.outbox.clear()
    return seed_knowledge()


def check_every_community_gets_knowledge(seeded):
    for slug in ("rebuild", "capitale-naturale", "con-i-bambini", "er-step", "multiply"):
        assert KnowledgeItem.objects.filter(community__slug=slug).count() >= 3, slug


def check_the_rebuild_video_comes_from_the_summer_school(seeded):
    video = KnowledgeItem.objects.get(community__slug="rebuild", kind=KnowledgeItem.Kind.VIDEO)
    assert "Summer School in Trentino" in video.title
    assert video.meeting is not None and "Summer School" in video.meeting.title
    assert KnowledgeItem.objects.filter(community__slug="rebuild", language="ar").exists()


def check_the_quaderno_collects_multi_author_articles(seeded):
    quaderno = Collection.objects.get(community__slug="capitale-naturale", title__startswith="Quaderno")
    entries = list(quaderno.entries.select_related("item").order_by("order"))
    assert len(entries) == 3
    first = entries[0].item
    assert first.kind == KnowledgeItem.Kind.ARTICLE and first.authorships.count() >= 3
    assert first.authorships.filter(user__isnull=True).exists()  # an external author with affiliation
    assert Collection.objects.filter(community__slug="con-i-bambini").exists()


def check_step_questions_have_an_accepted_answer(seeded):
    assert Answer.objects.filter(item__community__slug="er-step", is_accepted=True).exists()


def check_multiply_has_a_completed_and_an_open_peer_review(seeded):
    rounds = ReviewRound.objects.filter(item__community__slug="multiply")
    completed = rounds.get(state=ReviewRound.State.COMPLETED)
    assert Review.objects.filter(round=completed).count() == 2 and completed.author_response
    open_round = rounds.get(state=ReviewRound.State.OPEN)
    assert open_round.organizations.filter(name="Comune di Padova").exists()
    assert open_round.reviewers.count() >= 2  # the chosen member and the Padova members


def check_each_community_has_items_in_its_languages_linked_as_translations(seeded):
    expected = {
        "rebuild": {"en", "ar"},
        "capitale-naturale": {"it", "en"},
        "con-i-bambini": {"it", "en"},
        "er-step": {"it", "en"},
        "multiply": {"en", "it"},
    }
    for slug, languages in expected.items():
        translations = KnowledgeItem.objects.filter(community__slug=slug, translation_of__isnull=False)
        assert translations.exists(), slug
        for translation in translations.select_related("translation_of"):
            assert translation.translation_of.community_id == translation.community_id
            assert {translation.language, translation.translation_of.language} == languages, slug
            assert translation.translation_of.translation_of_id is None  # one set, one original


def check_seeding_twice_changes_nothing_and_sends_no_mail(seeded):
    again = seed_knowledge()
    assert again == seeded
    assert mail.outbox == []


def test_the_demo_knowledge_covers_what_each_community_needs(seeded):
    """One seeding for every check: seeding the five communities takes several seconds."""
    check_every_community_gets_knowledge(seeded)
    check_the_rebuild_video_comes_from_the_summer_school(seeded)
    check_the_quaderno_collects_multi_author_articles(seeded)
    check_step_questions_have_an_accepted_answer(seeded)
    check_multiply_has_a_completed_and_an_open_peer_review(seeded)
    check_each_community_has_items_in_its_languages_linked_as_translations(seeded)
    check_seeding_twice_changes_nothing_and_sends_no_mail(seeded)
