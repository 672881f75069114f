"""Catalogue checks on the sources: every count is a plural, and no list is joined with a Latin comma in Arabic.

A count written as "{{ n }} members" (or inside a blocktranslate without count) cannot take the
six Arabic plural forms, nor the Italian singular; a list joined with ", " shows a Latin comma on an
Arabic page. Lists go through the builtin filters join_list / join_comma and the tag list_comma
(members/templatetags/bidi.py), or members.typography in Python.
"""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import translation

TEMPLATES = Path(settings.BASE_DIR) / "templates"
_BLOCK = re.compile(
    r"\{%\s*blocktrans(?:late)?\b(?P<args>[^%]*)%\}(?P<body>.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.S
)
# Counts, not ordinals (forloop.counter) nor moments (counted_at).
_COUNTLIKE = r"(?!forloop\.)[\w.]*(?:count(?!ed|er)|total|number_of|num_)[\w.]*|[\w.]+\|length"
_BOUND = re.compile(r"\b(\w+)=(" + _COUNTLIKE + r")")
# A count next to a word in the page's text: "{{ x.count }} members", "{{ items|length }} items".
_BARE = re.compile(
    r"\{\{\s*(?:" + _COUNTLIKE + r")(?:\|[^}]*)?\s*\}\}[ \t]*(?:[A-Za-z\u0600-\u06ff]{2,}|\{%\s*translate)"
)
# Sentences with two numbers and no counted noun: they need no plural.
NO_NOUN = {
    "Page {{ number }} of {{ total }}",
    "Page {{ number }} of more than {{ total }}",
    "{{ done }} of {{ total }}",
}
# |join:", ", a comma after {% if not forloop.last %} or between {% if a and b %}, {% endif %}, or "}}, {{"
# outside a translated sentence.
_LATIN_JOIN = re.compile(r"""\|join:(?:"|')\s*,\s*(?:"|')|forloop\.last\s*%\}\s*,|%\}, \{%\s*endif|\}\},\s*\{\{""")


def _templates():
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file() and path.suffix in {".html", ".txt", ".xml", ".svg"}:
            yield path, path.read_text(encoding="utf-8")


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def count_problems(name: str, text: str) -> list[str]:
    """Return the counts in text that are not pluralised with blocktranslate count."""
    problems = []
    for block in _BLOCK.finditer(text):
        args, body = block.group("args"), block.group("body").strip()
        if re.search(r"\bcount\b", args) or body in NO_NOUN:
            continue
        for variable, expression in _BOUND.findall(args):
            if "{{ " + variable + " }}" in body:
                problems.append(f"{name}:{_line(text, block.start())}: {expression} in a blocktranslate without count")
    outside = _BLOCK.sub(lambda match: "\n" * match.group(0).count("\n"), text)
    for match in _BARE.finditer(outside):
        problems.append(
            f"{name}:{_line(outside, match.start())}: {match.group(0)!r} is a count outside blocktranslate count"
        )
    return problems


def test_every_count_in_the_templates_is_a_plural():
    problems = [problem for path, text in _templates() for problem in count_problems(path.name, text)]
    assert not problems, "Use {% blocktranslate count counter=... %}:\n" + "\n".join(problems)


def test_the_check_catches_a_count_written_as_a_number_and_a_word():
    assert count_problems("t", "<p>{{ community.member_count }} members</p>")
    assert count_problems("t", '{{ items|length }} {% translate "items" %}')
    assert count_problems("t", "{% blocktranslate with n=group.member_count %}{{ n }} members{% endblocktranslate %}")
    assert not count_problems(
        "t",
        "{% blocktranslate count n=group.member_count %}{{ n }} member"
        "{% plural %}{{ n }} members{% endblocktranslate %}",
    )
    assert not count_problems("t", '<dt>{% translate "Members" %}</dt><dd>{{ community.member_count }}</dd>')


def test_no_template_joins_a_list_with_a_latin_comma():
    found = [
        f"{path.relative_to(TEMPLATES)}:{_line(text, match.start())}: {match.group(0)!r}"
        for path, text in _templates()
        for match in _LATIN_JOIN.finditer(_BLOCK.sub(lambda block: "\n" * block.group(0).count("\n"), text))
    ]
    assert not found, "Use |join_comma, |join_list or {% list_comma %} (Arabic has its own comma):\n" + "\n".join(found)
    for sample in ['{{ names|join:", " }}', "{% if not forloop.last %}, {% endif %}", "{% if a and b %}, {% endif %}"]:
        assert _LATIN_JOIN.search(sample), sample


# Python that joins with ", " but never reaches a page: SQL, command lines, machine formats, logs.
LATIN_JOIN_ALLOWED = {
    "cop_portal/search/views.py": "SQL column list",
    "cop_portal/scale/writer.py": "SQL column list",
    "cop_portal/management/commands/seed_scale.py": "command-line output",
    "cop_portal/tags.py": "the tag field's own input syntax (parsed back)",
    "members/forms.py": "the tag field's own input syntax (parsed back) and language codes",
    "cop_portal/reports/opendata.py": "open-data README (English, machine-oriented)",
    "communities/importing/report.py": "import report of the command line",
    "communities/importing/parsing.py": "CSV column names (machine codes)",
    "communities/importing/checking.py": "CSV codes (machine codes)",
    "communities/onboarding/parsing.py": "CSV column names (machine codes)",
    "communities/onboarding/checking.py": "language codes (machine codes)",
    "communities/onboarding/forms.py": "CSV column names (machine codes)",
    "communities/management/commands/import_people.py": "command-line help",
    "discussions/services/inbound.py": "email addresses (a header)",
    "knowledge/feeds.py": "RSS author element",
    "communities/management/commands/seed_themes.py": "command-line output",
    "communities/services/community.py": "a programming error (TypeError), never shown",
}
_SKIP = {".git", ".venv", "node_modules", "var", "tests", "benchmarks", "migrations", "locale", "static"}


def latin_joins(source: str) -> list[int]:
    """Return the lines where source calls ", ".join(...)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "join"
            and isinstance(node.func.value, ast.Constant)
            and isinstance(node.func.value.value, str)
            and node.func.value.value == ", "
        ):
            lines.append(node.lineno)
    return lines


def test_no_python_that_reaches_a_page_joins_a_list_with_a_latin_comma():
    base = Path(settings.BASE_DIR)
    found = []
    for path in sorted(base.rglob("*.py")):
        relative = path.relative_to(base)
        if any(part in _SKIP or part.startswith(".") for part in relative.parts[:-1]):
            continue
        if relative.as_posix() in LATIN_JOIN_ALLOWED:
            continue
        found += [f"{relative}:{line}" for line in latin_joins(path.read_text(encoding="utf-8"))]
    assert not found, (
        "Use members.typography.join_comma / format_list (or, if it never reaches a page, say why in "
        "LATIN_JOIN_ALLOWED):\n" + "\n".join(found)
    )
    assert latin_joins('x = ", ".join(names)') == [1]


def test_lists_are_joined_as_each_language_does():
    template = Template(
        "{{ names|join_list }}|{{ names|join_comma }}|"
        "{% for n in names %}{{ n }}{% if not forloop.last %}{% list_comma %}{% endif %}{% endfor %}"
    )
    context = Context({"names": ["ليبيا", "تونس", "إيطاليا"]})
    with translation.override("ar"):
        joined, commas, loop = template.render(context).split("|")
    assert joined == "ليبيا وتونس وإيطاليا"
    assert commas == loop == "ليبيا، تونس، إيطاليا"
    assert "," not in joined + commas + loop
    with translation.override("it"):
        assert Template("{{ names|join_list }}").render(Context({"names": ["Libia", "Tunisia", "Italia"]})) == (
            "Libia, Tunisia e Italia"
        )
    with translation.override("en"):
        assert Template("{{ names|join_list }}").render(Context({"names": ["Libya", "Tunisia"]})) == "Libya and Tunisia"
