"""How typed lists of themes and expertise become tags."""

from taggit.utils import _parse_tags

# Arabic keyboards type "،" and "؛" where Latin ones type "," and ";".
ARABIC_SEPARATORS = str.maketrans({"،": ",", "؛": ","})


def parse_tags(text: str) -> list[str]:
    """Split text into tags as taggit does, accepting Arabic commas and semicolons too."""
    return _parse_tags((text or "").translate(ARABIC_SEPARATORS))
