"""Markup written in Python for the rows of long lists, escaped exactly as the template engine escapes.

The template engine costs several µs per node; a list of cards of forty nodes each is milliseconds
of a page (issue 15). The template tags that write such rows in Python (the directory's community
cards, /me/'s communities, the meeting cards) build their HTML from f-strings, and every value goes
through escaped(): what conditional_escape returns, without the lazy-text wrapper and the SafeString
made for every value.
"""

from __future__ import annotations

import html


def escaped(value) -> str:
    """Return value as the template engine writes it into HTML: safe text as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def isolated(value) -> str:
    """Return value in its own <bdi> element, escaped (the |bdi filter); nothing for an empty value."""
    if value is None or value == "":
        return ""
    return f"<bdi>{escaped(value)}</bdi>"


def csrf_field(context) -> str:
    """Return the form's CSRF field exactly as {% csrf_token %} writes it (the visitors' page cache finds it so)."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's marker for "no token", as CsrfTokenNode
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escaped(token)}">'
