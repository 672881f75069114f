"""How typed lists of themes and expertise become tags, and tags become an editable text again.

Settings point taggit here (TAGGIT_TAGS_FROM_STRING, TAGGIT_STRING_FROM_TAGS), so every form
field that takes tags (taggit's TagField, the TaggableManager form field of the admin, and
code that calls taggit.utils.parse_tags / edit_string_for_tags) splits and joins the same way:

- Text without a separator is ONE tag: "patti educativi di comunità" stays one theme
  (taggit itself would split it on spaces into four).
- Commas, semicolons and their Arabic forms ("،" and "؛") separate tags.
- A double-quoted part is one tag as typed, even with a comma inside: "a, b", c.
- Spaces inside a tag are collapsed; empty parts are dropped; repeats are kept once.

The editable text joins names with ", " and quotes only a name that holds a separator or
a quote, so editing a form and sending it back never re-splits a multi-word theme.
"""

from __future__ import annotations

import re

# Arabic keyboards type "،" and "؛" where Latin ones type "," and ";".
SEPARATORS = str.maketrans({"،": ",", "؛": ",", ";": ","})
_QUOTED = re.compile(r'"([^"]*)"')
_NEEDS_QUOTES = re.compile(r'[,;،؛"]')


def _clean(name: str) -> str:
    return " ".join(name.split())


def parse_tags(text: str) -> list[str]:
    """Return the tags typed in text, sorted, each once (see the module's rules)."""
    text = text or ""
    names: list[str] = []
    position = 0
    for match in _QUOTED.finditer(text):
        names.extend(text[position : match.start()].translate(SEPARATORS).split(","))
        names.append(match.group(1))
        position = match.end()
    # What follows the last quote; an unmatched quote is dropped, the words around it kept.
    names.extend(text[position:].replace('"', " ").translate(SEPARATORS).split(","))
    unique: dict[str, str] = {}
    for name in names:
        name = _clean(name)
        if name:
            unique.setdefault(name, name)
    return sorted(unique)


def edit_string_for_tags(tags) -> str:
    """Return the tags (Tag objects or names) as text that parse_tags reads back to the same tags."""
    names = sorted(getattr(tag, "name", tag) for tag in tags)
    return ", ".join(f'"{name}"' if _NEEDS_QUOTES.search(name) else name for name in names)
