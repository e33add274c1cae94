"""Share cards: the 1200x630 picture a link preview shows, drawn from a panel and a title.

Pure Pillow, no Flask: comics.discovery.share_cards decides when a card is made and where it is stored. Like every
image the site serves, a card is encoded from bare pixels with empty metadata.

The words are lettered in the font bundled in comics.fonts (Nanum Gothic Bold), which has Hangul as
well as Latin letters: Pillow's own font has no Hangul, and a Korean title is the common case here.
A font configured in SHARE_CARD_FONT is used for any text it has every letter of.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont, ImageOps

from comics import fonts
from comics.fonts.line_breaks import break_lines
from comics.images import normalising, opening

CARD_SIZE = (1200, 630)
PICTURE_WIDTH = 560  # the panel fills the left of the card; the words sit on the right
MARGIN = 56
INK = (29, 27, 38)
PAPER = (250, 247, 240)
MUTED = (196, 190, 178)
ACCENT = (244, 211, 94)
JPEG_SETTINGS: dict[str, object] = {"quality": 85, "progressive": True, "optimize": True, "subsampling": "4:2:0"}

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=32)
def load_font(size: int, font_path: str | None = None) -> Font:
    """Return a font at `size` pixels: the configured file, else the bundled Hangul font, else Pillow's own."""
    if font_path:
        try:
            return ImageFont.truetype(font_path, size)
        except OSError:
            pass  # a missing or unreadable font file must not stop a preview; the bundled one will do
    return bundled_font(size)


@lru_cache(maxsize=32)
def bundled_font(size: int) -> Font:
    """Return the font kept in comics/fonts at `size` pixels, else the one bundled with Pillow."""
    try:
        return fonts.lettering_font(size)
    except (ImportError, OSError):
        pass  # the file went missing from an install, or Pillow has no FreeType: Latin titles still letter
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, AttributeError, TypeError):
        # Pillow built without FreeType has only a small bitmap font.
        return ImageFont.load_default()


def font_for(text: str, size: int, font_path: str | None = None) -> Font:
    """Return the font to letter text in: the configured one if it has all its letters, else the bundled one.

    A Latin display face set in SHARE_CARD_FONT keeps its look on English cards, while a Korean
    title, which it would draw as empty boxes, falls back to the bundled Hangul font.
    """
    font = load_font(size, font_path)
    if font_path and not fonts.draws_text(font, text):
        return bundled_font(size)
    return font


def wrap_text(text: str, font: Font, max_width: int, max_lines: int) -> list[str]:
    """Break text into at most max_lines lines no wider than max_width, ending with … if cut short.

    Lines break at spaces (Korean is spaced by words too); a word or an unspaced run wider than the
    line is broken between characters (comics.fonts.line_breaks).
    """
    lines = break_lines(text, max_width, font.getlength)
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        while last and font.getlength(last + "…") > max_width:
            last = last[:-1]
        kept[-1] = last.rstrip() + "…"
        return kept
    return lines


def fit_title(
    draw: ImageDraw.ImageDraw, text: str, sizes: Sequence[int], max_width: int, max_lines: int, font_path: str | None
) -> tuple[Font, list[str]]:
    """Return the largest font size at which the text fits the lines, and its lines."""
    for size in sizes:
        font = font_for(text, size, font_path)
        lines = wrap_text(text, font, max_width, max_lines)
        if not lines or not lines[-1].endswith("…"):
            return font, lines
    font = font_for(text, sizes[-1], font_path)
    return font, wrap_text(text, font, max_width, max_lines)


def line_height(font: Font) -> int:
    """Return the distance between two lines of this font."""
    top, bottom = font.getbbox("Ágjy")[1::2]
    return round((bottom - top) * 1.3)


def picture_area(panel: Image.Image) -> Image.Image:
    """Return the panel cropped to fill the card's picture area, keeping the upper part of tall panels."""
    panel = panel if panel.mode == "RGB" else panel.convert("RGB")
    # Webtoon panels are tall and usually open on the scene: keep the top third rather than the middle.
    return ImageOps.fit(panel, (PICTURE_WIDTH, CARD_SIZE[1]), Image.Resampling.LANCZOS, centering=(0.5, 0.3))


def make_share_card(
    panel_image: Image.Image | None,
    title: str,
    series_title: str,
    *,
    site_name: str = "",
    font_path: str | None = None,
) -> Image.Image:
    """Draw a 1200x630 card: the panel on the left; the site, series and title on the right."""
    card = Image.new("RGB", CARD_SIZE, INK)
    text_left = MARGIN
    if panel_image is not None:
        card.paste(picture_area(panel_image), (0, 0))
        text_left = PICTURE_WIDTH + MARGIN
    draw = ImageDraw.Draw(card)
    text_width = CARD_SIZE[0] - text_left - MARGIN
    y = MARGIN

    if site_name:
        font = font_for(site_name.upper(), 28, font_path)
        for line in wrap_text(site_name.upper(), font, text_width, 1):
            draw.text((text_left, y), line, font=font, fill=ACCENT)
        y += line_height(font) + 28

    if series_title and series_title != title:
        # The series line is a label: one line a little smaller reads better than a word left on a second.
        font, lines = fit_title(draw, series_title, (40, 38, 34), text_width, 1, font_path)
        if lines and lines[-1].endswith("…"):
            font, lines = fit_title(draw, series_title, (40, 34), text_width, 2, font_path)
        for line in lines:
            draw.text((text_left, y), line, font=font, fill=MUTED)
            y += line_height(font)
        y += 20

    # The title takes what is left, at the largest size that shows it whole.
    remaining_lines = max(1, (CARD_SIZE[1] - MARGIN - y) // line_height(load_font(64, font_path)))
    font, lines = fit_title(draw, title, (72, 64, 56, 48), text_width, min(4, remaining_lines), font_path)
    for line in lines:
        draw.text((text_left, y), line, font=font, fill=PAPER)
        y += line_height(font)

    # A thin rule along the bottom so the card reads as a card on white timelines too.
    draw.rectangle((0, CARD_SIZE[1] - 8, CARD_SIZE[0], CARD_SIZE[1]), fill=ACCENT)
    return card


def encode_share_card(card: Image.Image) -> bytes:
    """Return the card as a metadata-free JPEG, the format every link preview understands."""
    buffer = io.BytesIO()
    normalising.bare(card).save(buffer, "JPEG", exif=b"", comment=b"", **JPEG_SETTINGS)
    return buffer.getvalue()


def share_card_from_master(
    master: bytes | None, title: str, series_title: str, *, site_name: str = "", font_path: str | None = None
) -> bytes:
    """Return the JPEG card for a stored master image (or none) and the titles."""
    panel = None
    if master is not None:
        panel = opening.open_image(master, "master.png").image
    return encode_share_card(make_share_card(panel, title, series_title, site_name=site_name, font_path=font_path))
