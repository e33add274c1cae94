"""Reading the words lettered in a panel with Tesseract (Debian's tesseract-ocr, Korean and English data).

Pure: pixels in, text out, no Flask and no database. What it reads is a draft for the artist's
transcript and alt text and a source of watch-list matches for the editor; it is never shown to
readers. See docs/review.md for how well it reads the demo's panels (bench/bench_ocr.py).
"""

from __future__ import annotations

import re
import unicodedata

import pytesseract  # type: ignore[import-untyped]  # it ships no type information
from PIL import Image, ImageOps

# Tesseract's language data, Korean first: most lettering here is Korean, and Hangul models also know digits.
DEFAULT_LANGUAGES = "kor+eng"
# Balloons are scattered over the panel: page segmentation 11 ("sparse text") finds text in any order
# and place, where the default (3, a page of columns) drops short captions; measured in bench/bench_ocr.py.
_CONFIG = "--psm 11"
# Lettering is large; Tesseract reads best at about 30 px a capital, so wide masters are read at this width.
READING_WIDTH = 1200


class UnreadableImage(RuntimeError):
    """Tesseract could not read this image (missing, failed or too slow): a note on the panel, not a refusal."""


def _plain(text: str) -> str:
    """Return the reading as lines of words: noise lines (no letter or digit of any script) dropped."""
    lines = []
    for line in unicodedata.normalize("NFC", text).splitlines():
        line = re.sub(r"\s+", " ", line).strip()
        if sum(character.isalnum() for character in line) >= 2:
            lines.append(line)
    return "\n".join(lines)


def prepared_for_reading(image: Image.Image) -> Image.Image:
    """Return the image as greyscale at most READING_WIDTH wide, as Tesseract reads it best."""
    grey = ImageOps.grayscale(image)
    if grey.width > READING_WIDTH:
        grey = grey.resize((READING_WIDTH, max(1, round(grey.height * READING_WIDTH / grey.width))), Image.Resampling.LANCZOS)
    return grey


def read_lettering(image: Image.Image, languages: str = DEFAULT_LANGUAGES, timeout: float = 60) -> str:
    """Return the words Tesseract reads in an image, one line of text a line; "" when it reads none."""
    try:
        text = pytesseract.image_to_string(prepared_for_reading(image), lang=languages, config=_CONFIG, timeout=timeout)
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, RuntimeError, OSError) as error:
        # pytesseract raises RuntimeError on its timeout; the others are a missing or failing program.
        raise UnreadableImage(f"{type(error).__name__}: {error}"[:300]) from error
    return _plain(text)
