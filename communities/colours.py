"""WCAG colour maths, in the lowest layer that needs it: the console checks an accent colour here,
and cop_portal.design derives the readable shades the pages use from the same functions."""

from __future__ import annotations

WHITE = "#ffffff"
DEFAULT_ACCENT = "#1f5f8b"
TEXT_CONTRAST = 4.5  # WCAG 1.4.3 (AA), normal text


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
