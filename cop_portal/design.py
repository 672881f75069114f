"""Colour maths for community accents: every accent shown with enough contrast (WCAG 2.1, 1.4.3 and 1.4.11).

A coordinator picks any accent colour in the admin. The portal never shows it raw where it must
be read: it derives a readable text colour for surfaces filled with the accent, and a darker
shade of the accent for text, links and borders drawn on the white page.
"""

from __future__ import annotations

from dataclasses import dataclass

from communities.colours import (
    DEFAULT_ACCENT,
    TEXT_CONTRAST,
    WHITE,
    contrast_ratio,
    parse_hex,
    relative_luminance,
    to_hex,
)

INK = "#1d1d1d"  # the body text colour of the portal, near black
SHAPE_CONTRAST = 3.0  # WCAG 1.4.11, bands and borders that carry meaning

__all__ = [
    "DEFAULT_ACCENT",
    "INK",
    "SHAPE_CONTRAST",
    "TEXT_CONTRAST",
    "WHITE",
    "Accent",
    "accent_for",
    "contrast_ratio",
    "darken_until",
    "parse_hex",
    "readable_text_on",
    "relative_luminance",
    "to_hex",
]


def readable_text_on(background: str) -> str:
    """Return white or the portal's ink, whichever reads better on background."""
    return WHITE if contrast_ratio(WHITE, background) >= contrast_ratio(INK, background) else INK


def darken_until(colour: str, *, against: str = WHITE, ratio: float = TEXT_CONTRAST) -> str:
    """Return colour, mixed with black in small steps until it reaches ratio against the given background."""
    red, green, blue = parse_hex(colour)
    shade = to_hex((red, green, blue))
    step = 0
    while contrast_ratio(shade, against) < ratio and step < 100:
        step += 1
        keep = 1 - step / 100
        shade = to_hex((red * keep, green * keep, blue * keep))
    return shade


@dataclass(frozen=True)
class Accent:
    """The colours a page uses for one community."""

    base: str  # the colour as chosen, for surfaces filled with it
    on_base: str  # readable text on a surface filled with base
    strong: str  # a shade of base readable as text, and visible as a border, on the white page

    def css_variables(self) -> str:
        return f"--cop-accent:{self.base};--cop-accent-contrast:{self.on_base};--cop-accent-strong:{self.strong}"


def accent_for(colour: str) -> Accent:
    """Return the readable colours derived from a community's accent colour."""
    base = to_hex(parse_hex(colour))
    return Accent(base=base, on_base=readable_text_on(base), strong=darken_until(base))
