"""The form field every page uses for themes: one theme per comma, the community's vocabulary suggested.

Typing follows cop_portal.tags (the portal's TAGGIT_TAGS_FROM_STRING): text without a separator
is one theme, commas, semicolons and the Arabic comma separate themes, a quoted part is one
theme. Without JavaScript the input offers the active vocabulary through a <datalist> (the
browser suggests a whole value) and the field's help text lists it, so nobody depends on the
pop-up to see what the community calls its themes.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.utils import edit_string_for_tags, parse_tags

from .models import Theme
from .theme_names import MAX_THEME_LENGTH, MAX_THEMES

# Past this many names the help text points to the suggestions instead of listing them all.
HINT_LIMIT = 30


def theme_suggestions(community) -> list[str]:
    """Return the names of community's active themes, in order (one query)."""
    if community is None:
        return []
    return list(
        Theme.objects.filter(community=community, retired_at__isnull=True)
        .order_by("name")
        .values_list("name", flat=True)
    )


class ThemesInput(forms.TextInput):
    """A text input tied to a <datalist> of the community's themes."""

    template_name = "communities/widgets/themes_input.html"

    def __init__(self, attrs=None, suggestions=()):
        super().__init__(attrs)
        self.suggestions = list(suggestions)

    def format_value(self, value):
        if value is not None and not isinstance(value, str):
            value = edit_string_for_tags(list(value))
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        if self.suggestions:
            list_id = f"{widget['attrs'].get('id') or name}-suggestions"
            widget["attrs"]["list"] = list_id
            widget["list_id"] = list_id
            widget["suggestions"] = self.suggestions
        return context


class ThemesField(forms.CharField):
    """Themes typed as text; cleans to a sorted list of names."""

    widget = ThemesInput
    base_help_text = _("Separate themes with commas; a theme of several words stays one theme.")

    def __init__(self, *, suggestions=(), **kwargs):
        kwargs.setdefault("label", _("Themes"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", self.base_help_text)
        super().__init__(**kwargs)
        self.set_suggestions(suggestions)

    def set_suggestions(self, names) -> None:
        """Offer names (the community's active themes) as suggestions and list them in the help text."""
        names = list(names)
        self.widget.suggestions = names
        if not names:
            self.help_text = self.base_help_text
        elif len(names) <= HINT_LIMIT:
            listed = gettext("This community's themes: %(names)s.") % {"names": "; ".join(names)}
            self.help_text = f"{self.base_help_text} {listed}"
        else:
            hint = gettext("Start typing to see the themes of this community.")
            self.help_text = f"{self.base_help_text} {hint}"

    def prepare_value(self, value):
        if value is not None and not isinstance(value, str):
            return edit_string_for_tags(list(value))
        return value

    def to_python(self, value) -> list[str]:
        if isinstance(value, list | tuple):
            return [str(name) for name in value]
        return parse_tags(super().to_python(value) or "")

    def validate(self, value) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(value) > MAX_THEMES:
            raise forms.ValidationError(
                _("List at most %(limit)s themes."), code="too_many", params={"limit": MAX_THEMES}
            )
        if any(len(name) > MAX_THEME_LENGTH for name in value):
            raise forms.ValidationError(
                _("Keep each theme under %(limit)s characters."), code="too_long", params={"limit": MAX_THEME_LENGTH}
            )

    def run_validators(self, value) -> None:
        # CharField's max_length/min_length validators apply to text, not to a list of names.
        return None
