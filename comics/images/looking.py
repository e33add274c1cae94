"""Looking at a panel's pixels for the editor: does it look like a photograph, and blurring a region away.

Drawings, painted or inked, hold large areas where neighbouring pixels are equal or nearly so (flat
colour, a smooth gradient); a photograph's sensor noise and texture leave almost none. The share of
such flat pixels, measured on a copy at most LOOK_SIDE pixels on its longer side, tells them apart
(the figures are in docs/review.md). Pure Pillow and numpy: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

# Measured on a copy this size: noise survives it, and it takes a few milliseconds.
LOOK_SIDE = 384
# A pixel is flat when no channel differs by more than this from its right and lower neighbours.
FLAT_STEP = 2
# Below this share of flat pixels a panel looks like a photograph: the demo's drawn panels measure 0.77 to
# 0.91, a photograph 0.20 (0.33 saved as a JPEG at quality 70, whose blocks flatten it).
PHOTOGRAPH_FLAT_SHARE = 0.5


@dataclass(frozen=True)
class Region:
    """A rectangle of an image in whole pixels: left, top, width, height."""

    x: int
    y: int
    width: int
    height: int

    def as_list(self) -> list[int]:
        return [self.x, self.y, self.width, self.height]

    def box(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.x + self.width, self.y + self.height)


def small_copy(image: Image.Image, side: int = LOOK_SIDE) -> Image.Image:
    """Return an RGB copy at most side pixels on its longer side."""
    copy = image.convert("RGB")
    copy.thumbnail((side, side), Image.Resampling.BOX)
    return copy


def flat_share(image: Image.Image) -> float:
    """Return the share of pixels that equal their right and lower neighbours within FLAT_STEP."""
    pixels = np.asarray(small_copy(image), dtype=np.int16)
    if pixels.shape[0] < 2 or pixels.shape[1] < 2:
        return 1.0
    right = np.abs(pixels[:-1, 1:] - pixels[:-1, :-1]).max(axis=2)
    below = np.abs(pixels[1:, :-1] - pixels[:-1, :-1]).max(axis=2)
    return float(((right <= FLAT_STEP) & (below <= FLAT_STEP)).mean())


def looks_like_photograph(image: Image.Image) -> bool:
    """Tell whether an image looks like a photograph rather than a drawing."""
    return flat_share(image) < PHOTOGRAPH_FLAT_SHARE


def region_from_percent(image: Image.Image, left: float, top: float, width: float, height: float) -> Region:
    """Return the region given in percent of the image's width and height, in whole pixels, inside it.

    Raises ValueError when the numbers are not a rectangle inside the image.
    """
    numbers = (left, top, width, height)
    if any(not 0 <= number <= 100 for number in numbers) or width <= 0 or height <= 0:
        raise ValueError("each number must be a percentage from 0 to 100, and the width and height more than 0")
    if left + width > 100 or top + height > 100:
        raise ValueError("the region must lie inside the panel: left plus width, and top plus height, at most 100")
    x, y = int(image.width * left / 100), int(image.height * top / 100)
    right = max(x + 1, min(image.width, round(image.width * (left + width) / 100)))
    bottom = max(y + 1, min(image.height, round(image.height * (top + height) / 100)))
    return Region(x, y, right - x, bottom - y)


def blur_region(image: Image.Image, region: Region) -> Image.Image:
    """Return a copy with the region's pixels replaced so that nothing of what it showed can be recovered.

    The region is cut down to at most 4 × 4 averaged blocks, blown back up and smoothed: a blur that
    keeps the colours, as artists expect, but holds no more information than sixteen colours, so no
    deblurring brings a face back (a Gaussian blur alone can be partly undone).
    """
    result = image.convert("RGB").copy()
    patch = result.crop(region.box())
    blocks = patch.resize((min(4, patch.width), min(4, patch.height)), Image.Resampling.BOX)
    smooth = blocks.resize(patch.size, Image.Resampling.BILINEAR).filter(ImageFilter.BoxBlur(max(1, min(patch.size) // 8)))
    result.paste(smooth, region.box()[:2])
    return result
