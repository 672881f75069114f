"""Colour maths for community accents: every accent shown with enough contrast (WCAG 2.1, 1.4.3 and 1.4.11).

A coordinator picks any accent colour in the admin. The portal never shows it raw where it must
be read: it derives a readable text colour for surfaces filled with the accent, and a darker
shade of the accent for text, links and borders drawn on the white page.
"""

from __future__ import annotations

from dataclasses import dataclass

WHITE = "#ffffff"
INK = "#1d1d1d"  # the body text colour of the portal, near black
DEFAULT_ACCENT = "#1f5f8b"
TEXT_CONTRAST = 4.5  # WCAG 1.4.3, normal text
SHAPE_CONTRAST = 3.0  # WCAG 1.4.11, bands and borders that carry meaning


def parse_hex(colour: str) -> tuple[int, int, int]:
    """Return the (red, green, blue) channels of a #RRGGBB colour; the default accent for anything else."""
    value = (colour or "").strip().lstrip("#")
    if len(value) != 6:
        value = DEFAULT_ACCENT[1:]
    try:
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except ValueError:
        return parse_hex(DEFAULT_ACCENT)


def to_hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(max(0, min(255, round(channel))) for channel in rgb))


def relative_luminance(colour: str) -> float:
    """Return the WCAG relative luminance of colour, from 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in parse_hex(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


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
