"""A <select>'s options are written in Python (form_widgets.select_options) exactly as the template wrote them."""

import pytest
from django import forms
from django.template import engines
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

# templates/django/forms/widgets/select.html as it was before its options were written in Python.
TEMPLATE_BEFORE = (
    '<select name="{{ widget.name }}" class="form-select{% if widget.attrs.class %} {{ widget.attrs.class }}'
    '{% endif %}"{% include "django/forms/widgets/attrs.html" %}>{% for group_name, group_choices, group_index'
    " in widget.optgroups %}{% if group_name %}\n"
    '  <optgroup label="{{ group_name }}">{% endif %}{% for option in group_choices %}\n'
    '  {% if option.template_name == "django/forms/widgets/select_option.html" %}<option value="'
    "{{ option.value|stringformat:'s' }}\"{% for name, value in option.attrs.items %}{% if value is not False"
    ' and name != "class" and name != "type" %} {{ name }}{% if value is not True %}="{{ value|stringformat:'
    "'s' }}\"{% endif %}{% endif %}{% endfor %}>{{ option.label }}</option>{% else %}{% include"
    " option.template_name with widget=option %}{% endif %}{% endfor %}{% if group_name %}\n"
    "  </optgroup>{% endif %}{% endfor %}\n</select>"
)

CHOICES = [
    ("", "---------"),
    ("a&b", 'Tom & "Jerry" <i>'),
    ("safe", mark_safe("<b>kept</b>")),
    (7, gettext_lazy("Members")),
    ("Europe", [("it", "Italia"), ("fr", "France")]),
    ("Africa", [("ly", "Libya <north>")]),
]


def _before(widget: forms.Widget, name: str, value) -> str:
    context = widget.get_context(name, value, {"id": f"id_{name}", "aria-describedby": "help"})
    return engines["django"].from_string(TEMPLATE_BEFORE).render(context)


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES), "a&b"),
        (forms.Select(choices=CHOICES), "fr"),
        (forms.Select(choices=CHOICES), None),
        (forms.SelectMultiple(choices=CHOICES), ["it", "ly", "7"]),
        (forms.Select(choices=[]), ""),
    ],
)
def test_options_are_written_as_the_template_wrote_them(widget, value):
    rendered = widget.render("field", value, {"id": "id_field", "aria-describedby": "help"})
    assert rendered == _before(widget, "field", value)
    assert "<option" in rendered or not widget.choices


def test_values_and_labels_are_escaped():
    rendered = forms.Select(choices=CHOICES).render("field", "a&b")
    assert '<option value="a&amp;b" selected>Tom &amp; &quot;Jerry&quot; &lt;i&gt;</option>' in rendered
    assert "<b>kept</b>" in rendered  # a label marked safe stays as it is, as {{ }} leaves it
    assert '<optgroup label="Africa">' in rendered and "Libya &lt;north&gt;" in rendered


def test_an_option_with_a_template_of_its_own_is_rendered_from_it(settings, tmp_path):
    own = tmp_path / "own_option.html"
    own.write_text("<option data-own>{{ widget.label }}</option>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], str(tmp_path)]}]

    class OwnOptions(forms.Select):
        option_template_name = "own_option.html"

    rendered = OwnOptions(choices=[("x", "Ex & why")]).render("field", "x")
    assert "<option data-own>Ex &amp; why</option>" in rendered
