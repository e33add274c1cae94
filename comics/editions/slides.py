"""TV slides: an episode as numbered 1920×1080 baseline JPEGs (0001.jpg…) for a television's photo viewer.

Each panel is narrowed to the column width, cut into screen-high pieces at quiet rows where it can be
(comics.images.slicing, the same cut the upload uses), and consecutive pieces share a slide while they
fit, centred on black. One panel is held in memory at a time. Pure Pillow: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from PIL import Image

from comics.editions.jpeg import encode_baseline_jpeg, fit_width
from comics.images.slicing import slice_strip

SLIDE_SIZE = (1920, 1080)
# Half the screen's width: a portrait column, as a webtoon is read, at a size a room can read.
SLIDE_COLUMN_WIDTH = 960
BLACK = (0, 0, 0)


def screen_pieces(panels: Iterable[Image.Image], column_width: int = SLIDE_COLUMN_WIDTH, height: int = SLIDE_SIZE[1]) -> Iterator[Image.Image]:
    """Yield each panel narrowed to the column, cut into pieces no taller than the screen at quiet rows."""
    for panel in panels:
        yield from slice_strip(fit_width(panel, column_width), slice_height=height, search_window=height // 4)


def group_pieces(pieces: Iterable[Image.Image], height: int = SLIDE_SIZE[1]) -> Iterator[list[Image.Image]]:
    """Yield runs of consecutive pieces whose heights together fit one screen."""
    group: list[Image.Image] = []
    used = 0
    for piece in pieces:
        if group and used + piece.height > height:
            yield group
            group, used = [], 0
        group.append(piece)
        used += piece.height
    if group:
        yield group


def compose_slide(pieces: list[Image.Image], size: tuple[int, int] = SLIDE_SIZE) -> Image.Image:
    """Return one slide: the pieces stacked, centred on black."""
    slide = Image.new("RGB", size, BLACK)
    top = (size[1] - sum(piece.height for piece in pieces)) // 2
    for piece in pieces:
        slide.paste(piece.convert("RGB"), ((size[0] - piece.width) // 2, top))
        top += piece.height
    return slide


def open_masters(paths: Iterable[Path]) -> Iterator[Image.Image]:
    """Yield each stored master, decoded one at a time."""
    for path in paths:
        with Image.open(path) as image:
            image.load()
            yield image


def render_slides(panels: Iterable[Image.Image]) -> Iterator[bytes]:
    """Yield an episode's slides as baseline JPEGs, in reading order."""
    for group in group_pieces(screen_pieces(panels)):
        yield encode_baseline_jpeg(compose_slide(group))
