"""TV slides: an episode as numbered 1920×1080 baseline JPEGs (0001.jpg…) for a television's photo viewer.

Each panel is made from its master as large as the screen allows: whole on one slide, scaled to the
screen's height, when it stays readable there (at least READABLE_WIDTH wide); a panel too tall for that
is shown at a readable width and cut into screen-high pieces at quiet rows where it can be
(comics.images.slicing, the same cut the upload uses). Never larger than the master. Consecutive pieces
share a slide while they fit, centred on black. One panel is held in memory at a time. Pure Pillow: no
Flask, no database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from pathlib import Path

from PIL import Image

from comics.editions.jpeg import encode_baseline_jpeg
from comics.images.encoding import scaled_height
from comics.images.slicing import slice_strip

SLIDE_SIZE = (1920, 1080)
# The narrowest a panel is shown: 0.8 of the 800 px a webtoon is drawn to be read at, so a 24 px letter
# there stays 19 px, 12 mm on a 55-inch 1080p screen, about 14 arcminutes from 3 m (docs/editions.md).
READABLE_WIDTH = 640
# How far above a screen's height a tall panel's cut may move to find a quiet row: a tenth, so every
# piece but a panel's last fills at least 90 % of the screen.
CUT_WINDOW = SLIDE_SIZE[1] // 10
BLACK = (0, 0, 0)


def slide_width(width: int, height: int, size: tuple[int, int] = SLIDE_SIZE) -> int:
    """Return the width to show a panel at: whole on one screen if readable, else readable and cut; never upscaled."""
    largest = min(width, size[0])
    whole = min(largest, width * size[1] // height)
    readable = min(READABLE_WIDTH, largest)
    if whole >= readable:
        return whole
    # Too tall to show whole: enough screens at the readable width, then as wide as fills them.
    fill = size[1] - CUT_WINDOW
    screens = math.ceil(height * readable / width / fill)
    return max(readable, min(largest, width * screens * fill // height))


def fit_screen(panel: Image.Image, size: tuple[int, int] = SLIDE_SIZE) -> Image.Image:
    """Return the panel at its slide width (Lanczos), or itself when that is its own width."""
    width = slide_width(panel.width, panel.height, size)
    if width == panel.width:
        return panel
    return panel.resize((width, scaled_height(panel.width, panel.height, width)), Image.Resampling.LANCZOS)


def screen_pieces(panels: Iterable[Image.Image], size: tuple[int, int] = SLIDE_SIZE) -> Iterator[Image.Image]:
    """Yield each panel at its slide width, cut into pieces no taller than the screen at quiet rows."""
    for panel in panels:
        yield from slice_strip(fit_screen(panel, size), slice_height=size[1], search_window=CUT_WINDOW)


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
