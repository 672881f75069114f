"""Issue 15: `get_FOO_display()` translates the one label it returns, not every choice's.

Django's version hashed every lazy label of the field to build a dict on each call, which
translated all of them: eleven gettext calls for a meeting's kind, 84 µs a card.
"""

from functools import partialmethod
from unittest import mock

from django.apps import apps
from django.db.models import Model
from django.utils import translation

from meetings.models import Meeting
from members.choice_labels import _get_FIELD_display


def _fields_with_choices():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            bound = model.__dict__.get(f"get_{field.name}_display")
            if field.choices and field.flatchoices is not None and isinstance(bound, partialmethod):
                yield model, field


def test_every_display_gives_what_django_gives_in_each_language():
    django_own = Model._get_FIELD_display
    checked = 0
    for model, field in _fields_with_choices():
        values = [choice for choice, _label in field.flatchoices] + ["not-a-choice"]
        for value in values:
            obj = model()
            setattr(obj, field.attname, value)
            for language in ("en", "it", "ar"):
                with translation.override(language):
                    assert getattr(obj, f"get_{field.name}_display")() == django_own(obj, field), (model, field, value)
                    checked += 1
    assert checked > 300  # the portal's models have many fields with choices


def test_every_django_made_display_is_rebound():
    for model, field in _fields_with_choices():
        bound = model.__dict__[f"get_{field.name}_display"]
        assert bound.func is _get_FIELD_display, (model, field)


def test_a_meeting_kind_is_one_translation_not_eleven():
    meeting = Meeting(kind=Meeting.Kind.WEBINAR)
    assert len(Meeting.Kind.choices) > 5
    translation.gettext("Webinar")  # Django binds the real gettext to translation._trans on first use
    counted = mock.patch.object(translation._trans, "gettext", wraps=translation._trans.gettext)
    with translation.override("it"), counted as gettext:
        shown = meeting.get_kind_display()
    assert shown == str(Meeting.Kind.WEBINAR.label)
    assert gettext.call_count == 1
