"""Markdown in, sanitised HTML out: the only way user text becomes HTML in this app."""

from __future__ import annotations

import html

import markdown
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Each block takes its own direction from its first strong character (dir="auto"), so an Arabic
# paragraph quoted above an English one, or an English list item in an Arabic text, each reads
# the right way; a single direction for the whole text would reverse the other language's lines.
BLOCKS_WITH_OWN_DIRECTION = ("p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "td", "th")


def render_markdown(source: str) -> str:
    """Return the sanitised HTML of a Markdown text; raw HTML, scripts and unsafe links are dropped."""
    if not source:
        return ""
    rendered = markdown.markdown(source, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        # Set by the sanitiser itself (any dir written by the author is dropped first).
        set_tag_attribute_values={tag: {"dir": "auto"} for tag in BLOCKS_WITH_OWN_DIRECTION},
    )


def plain_text(source: str) -> str:
    """Return the text of a Markdown source without any markup, for feeds, snippets and search."""
    if not source:
        return ""
    return html.unescape(nh3.clean(render_markdown(source), tags=set())).strip()


def without_images(sanitised_html: str) -> str:
    """Return sanitised HTML without images, so rendering a PDF never fetches an address from user text."""
    return nh3.clean(
        sanitised_html,
        tags=ALLOWED_TAGS - {"img"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
