"""The typeface the site letters its own pictures with: Nanum Gothic Bold, kept in the repository.

Why it is bundled: Pillow's own font (a subset of Aileron) has no Hangul, and neither has a fresh
machine (a container, a CI runner, a new server) unless someone installs one, so a Korean title on a
share card or a Korean line in the demo comic would come out as empty boxes. Shipping the file with
the code makes the pictures the same everywhere. It is only used to draw pixels on the server: no
web font is ever sent to readers, whose browsers letter the pages with their own fonts.

Nanum Gothic is NAVER's, under the SIL Open Font License 1.1 (OFL.txt beside it, which must travel
with the file). The file is kept unmodified: the licence reserves the name "Nanum" for the original,
so a subset made to save space would have to be renamed. One weight only, to keep the repository
small: bold reads well at the sizes the site letters (balloons, card titles).

Pure Pillow, no Flask.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_FILE = Path(__file__).with_name("NanumGothicBold.ttf")
LICENCE_FILE = Path(__file__).with_name("OFL.txt")

# The last private-use code point: no font maps it, so every font draws its .notdef glyph (the box
# or blank shown for a missing character) for it.
NOT_IN_ANY_FONT = "\U0010fffd"

HANGUL_SYLLABLES = "".join(map(chr, range(0xAC00, 0xD7A4)))  # all 11,172 modern syllables, 가 to 힣


@lru_cache(maxsize=64)
def lettering_font(size: int) -> ImageFont.FreeTypeFont:
    """Return the bundled Hangul-and-Latin font at size pixels.

    Raises OSError if the file is missing, or ImportError in a Pillow built without FreeType; callers
    that must always draw something fall back to ImageFont.load_default().
    """
    return ImageFont.truetype(str(FONT_FILE), size)


def glyph_pixels(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, char: str) -> tuple[tuple[int, int], bytes]:
    """Return the size and the greyscale pixels of one character drawn alone in the font."""
    right, bottom = (max(1, round(edge)) for edge in font.getbbox(char)[2:])
    image = Image.new("L", (right, bottom))
    ImageDraw.Draw(image).text((0, 0), char, font=font, fill=255)
    return image.size, image.tobytes()


@lru_cache(maxsize=8192)
def draws_glyph(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, char: str) -> bool:
    """Tell whether the font draws char with a glyph of its own rather than its .notdef box.

    Fonts offer no portable "has this character" question through Pillow, but a missing character
    is drawn exactly like one no font has. Blank characters (spaces) count as drawn. A font whose
    .notdef looks like one of its real glyphs (Pillow's Aileron draws it as "?") will say no for
    that one character.
    """
    if char.isspace():
        return True
    return glyph_pixels(font, char) != glyph_pixels(font, NOT_IN_ANY_FONT)


def draws_text(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, text: str) -> bool:
    """Tell whether the font has a glyph of its own for every character of text."""
    return all(draws_glyph(font, char) for char in set(text))
