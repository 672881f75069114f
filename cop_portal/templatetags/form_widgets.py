"""The options of a <select>, written in Python (templates/django/forms/widgets/select.html).

The template engine spent about 25 µs on each option: the console's invitation form, with two
selects of REBUILD's 112 groups, took about 6 ms to write its options, and the filters of the
directory and the knowledge list 2–3 ms (issue 15). This writes the same HTML, escaped the same
way, in a few µs per option. An option with a template of its own (a widget's
option_template_name other than Django's) is still rendered from that template.
"""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()

DEFAULT_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _option_attrs(attrs: dict) -> str:
    """Return the option's attributes as attrs.html writes them: True as a bare name, False left out."""
    parts = []
    for name, value in attrs.items():
        if value is False or name in ("class", "type"):
            continue
        parts.append(f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"')
    return "".join(parts)


@register.simple_tag(takes_context=True)
def select_options(context, widget) -> str:
    """Return the <optgroup> and <option> elements of a Select widget's context, in Django's markup."""
    parts = []
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append("\n  ")
            if option["template_name"] == DEFAULT_OPTION_TEMPLATE:
                value, label = escape(option["value"]), conditional_escape(option["label"])
                parts.append(f'<option value="{value}"{_option_attrs(option["attrs"])}>{label}</option>')
            else:
                own = context.template.engine.get_template(option["template_name"])
                with context.push(widget=option):
                    parts.append(own.render(context))
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 - every value and label above is escaped
