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
# The page segmentations each image is read with, in turn, the lines of each later pass that the earlier
# ones missed added at the end. A page of blocks (3, Tesseract's default) reads captions whole and in
# order; sparse text (11) finds short balloons and sound effects anywhere, which the first drops; each
# misses what the other reads (bench/bench_ocr.py; the figures are in docs/review.md).
DEFAULT_PASSES = ("--psm 3", "--psm 11")
# Lettering is read best at about 30 px a capital: panels are read at this width, scaled up or down.
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


def prepared_for_reading(image: Image.Image, width: int = READING_WIDTH) -> Image.Image:
    """Return the image as greyscale, width pixels wide, as Tesseract reads it best."""
    grey = ImageOps.grayscale(image)
    if grey.width != width:
        grey = grey.resize((width, max(1, round(grey.height * width / grey.width))), Image.Resampling.LANCZOS)
    return grey


def read_lettering(
    image: Image.Image,
    languages: str = DEFAULT_LANGUAGES,
    timeout: float = 60,
    *,
    passes: tuple[str, ...] = DEFAULT_PASSES,
    width: int = READING_WIDTH,
) -> str:
    """Return the words Tesseract reads in an image, one line of text a line; "" when it reads none."""
    grey = prepared_for_reading(image, width)
    lines: list[str] = []
    seen: set[str] = set()
    for config in passes:
        try:
            text = pytesseract.image_to_string(grey, lang=languages, config=config, timeout=timeout)
        except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, RuntimeError, OSError) as error:
            # pytesseract raises RuntimeError on its timeout; the others are a missing or failing program.
            raise UnreadableImage(f"{type(error).__name__}: {error}"[:300]) from error
        for line in _plain(text).splitlines():
            key = "".join(line.casefold().split())
            if key not in seen:
                seen.add(key)
                lines.append(line)
    return "\n".join(lines)
