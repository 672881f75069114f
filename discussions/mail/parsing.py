"""Reading an inbound email: its headers, its new text (quoted text and signature stripped), its language.

The stdlib email package (policy.default) parses; mail-parser-reply strips what a mail client
adds below or above a reply (the quoted message, "On ... wrote:", the signature). text/plain is
preferred; an HTML-only message is turned into text first, its quotes (blockquote, the Gmail and
Thunderbird quote blocks) dropped.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from django.conf import settings
from mailparser_reply import EmailReplyParser

# The languages whose reply headers and signatures mail-parser-reply knows, among ours.
_PARSER_LANGUAGES = ["en", "it", "de", "fr", "es", "nl"]
_RTL_SCRIPTS = ("ARABIC", "HEBREW", "SYRIAC", "THAANA", "NKO")


@dataclass(frozen=True)
class Inbound:
    message_id: str
    from_address: str
    subject: str
    text: str
    language: str
    direction: str
    auto_submitted: bool
    in_reply_to: str


def headers_only(raw: bytes):
    """Return the headers of raw (for an oversized message, whose body is not read)."""
    return BytesHeaderParser(policy=policy.default).parsebytes(raw[:65536])


def message_id_from(headers, raw: bytes) -> str:
    """Return the Message-ID, or one made from the content for a message without (a redelivery matches it)."""
    value = str(headers.get("Message-ID", "") or "").strip()
    if value:
        return value[:255]
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@inbound.invalid>"


def from_address(headers) -> str:
    addresses = getaddresses([str(headers.get("From", "") or "")])
    return (addresses[0][1] if addresses else "").strip()[:254]


def is_auto_submitted(headers, envelope_from: str) -> bool:
    """Return whether the message is automatic (a bounce, an out-of-office): it gets no refusal, lest mail loop."""
    auto = str(headers.get("Auto-Submitted", "") or "").strip().lower()
    precedence = str(headers.get("Precedence", "") or "").strip().lower()
    bounce = envelope_from in ("", "<>") or parseaddr(envelope_from)[1].lower().startswith("mailer-daemon")
    return (auto not in ("", "no")) or precedence in ("bulk", "junk", "auto_reply", "list") or bounce


class _HtmlToText(HTMLParser):
    """Turn an HTML email into plain text; what it quotes is left out."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "ul", "ol"}
    SKIP = {"script", "style", "head", "title", "blockquote"}
    QUOTE_CLASSES = ("gmail_quote", "moz-cite-prefix", "yahoo_quoted", "protonmail_quote", "gmail_signature")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if self.skipping or tag in self.SKIP or any(name in classes for name in self.QUOTE_CLASSES):
            if tag not in ("br", "img", "hr", "meta", "link", "input"):
                self.skipping.append(tag)
            return
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag):
        if self.skipping:
            if self.skipping[-1] == tag:
                self.skipping.pop()
            return
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)

    def text(self) -> str:
        text = "".join(self.parts)
        text = re.sub(r"[ \t\r\f\v]+\n", "\n", text)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(html: str) -> str:
    parser = _HtmlToText()
    parser.feed(html)
    parser.close()
    return parser.text()


def _body_text(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        return part.get_content()
    part = message.get_body(preferencelist=("html",))
    if part is not None:
        return html_to_text(part.get_content())
    return ""


def strip_reply(text: str, *, language: str = "") -> str:
    """Return the new text of a reply: without the quoted message, the "On ... wrote:" line and the signature."""
    text = text.replace("\r\n", "\n").replace("\x00", "")
    languages = [language, *_PARSER_LANGUAGES] if language in _PARSER_LANGUAGES else list(_PARSER_LANGUAGES)
    parsed = EmailReplyParser(languages=list(dict.fromkeys(languages))).read(text=text)
    body = parsed.replies[0].body if parsed.replies else text
    # Quoted lines the library left (a quote at the top, an unknown reply header) go too.
    lines = [line for line in body.splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip()


def direction_of(text: str) -> str:
    """Return "rtl" when most letters of text are of a right-to-left script, else "ltr"."""
    rtl = ltr = 0
    for ch in text:
        if not ch.isalpha():
            continue
        if unicodedata.name(ch, "").startswith(_RTL_SCRIPTS):
            rtl += 1
        else:
            ltr += 1
    return "rtl" if rtl > ltr else "ltr"


def content_language(headers) -> str:
    """Return the first of our languages the Content-Language header names, or ""."""
    ours = {code for code, _name in settings.LANGUAGES}
    for tag in str(headers.get("Content-Language", "") or "").split(","):
        code = tag.strip().lower().split("-")[0]
        if code in ours:
            return code
    return ""


def parse(raw: bytes, *, envelope_from: str = "", default_language: str = "") -> Inbound:
    """Return what raw says: who, about what, the new text (stripped), its language and direction."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    text = _body_text(message)
    direction = direction_of(text)
    language = content_language(message)
    if not language:
        ours = {code for code, _name in settings.LANGUAGES}
        language = "ar" if direction == "rtl" and "ar" in ours else default_language
    return Inbound(
        message_id=message_id_from(message, raw),
        from_address=from_address(message),
        subject=" ".join(str(message.get("Subject", "") or "").split()),
        text=strip_reply(text, language=language),
        language=language,
        direction=direction,
        auto_submitted=is_auto_submitted(message, envelope_from),
        in_reply_to=str(message.get("In-Reply-To", "") or "").strip()[:255],
    )
