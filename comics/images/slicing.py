"""Cutting a tall strip into panels at quiet rows, the gutters between drawings."""

from __future__ import annotations

from collections.abc import Iterable

from PIL import Image

from comics.images.normalising import band_extrema

QUIET_TOLERANCE = 12  # max-min per channel across a row that still counts as one flat colour


def is_quiet_seam(image: Image.Image, y: int, tolerance: int = QUIET_TOLERANCE) -> bool:
    """Return whether rows y-1 and y are one near-uniform colour, so a cut between them is invisible."""
    seam = image.crop((0, y - 1, image.width, y + 1))
    return all(high - low <= tolerance for low, high in band_extrema(seam))


def first_quiet_seam(image: Image.Image, rows: Iterable[int], fallback: int) -> int:
    """Return the first of these rows with a quiet seam above it, or fallback when none has one."""
    return next((y for y in rows if is_quiet_seam(image, y)), fallback)


def find_cut(image: Image.Image, top: int, slice_height: int, search_window: int) -> int:
    """Return the row to end a slice starting at top: the nearest quiet seam above the limit, else the limit."""
    limit = top + slice_height
    lowest = max(top + 1, limit - search_window)
    return first_quiet_seam(image, range(limit, lowest - 1, -1), limit)


def find_middle_cut(image: Image.Image, top: int, slice_height: int, search_window: int) -> int:
    """Return the row that splits the rest of the strip in two: the quiet seam nearest its middle, else the middle.

    The search reaches half the window either way, and never so far that a piece would be taller than
    slice_height (the rest is less than twice that whenever this is called).
    """
    half = (image.height - top + 1) // 2
    middle, reach = top + half, max(0, min(search_window // 2, slice_height - half))
    outward = (y for offset in range(reach + 1) for y in (middle - offset, middle + offset) if top < y < image.height)
    return first_quiet_seam(image, outward, middle)


def slice_strip(image: Image.Image, slice_height: int = 1280, search_window: int = 256) -> list[Image.Image]:
    """Cut a tall strip into slices no taller than slice_height, at quiet rows where there are any.

    When a full slice would leave a sliver (less than a fifth of slice_height) at the bottom, what is
    left is cut near its middle instead, so a strip never ends in a few-pixel panel of its own.
    """
    if slice_height < 1:
        raise ValueError("slice_height must be positive")
    if image.height <= slice_height:
        return [image]
    shortest_last = slice_height // 5
    slices: list[Image.Image] = []
    top = 0
    while image.height - top > slice_height:
        remaining = image.height - top
        if remaining - slice_height < shortest_last:
            cut = find_middle_cut(image, top, slice_height, search_window)
        else:
            cut = find_cut(image, top, slice_height, search_window)
        slices.append(image.crop((0, top, image.width, cut)))
        top = cut
    slices.append(image.crop((0, top, image.width, image.height)))
    return slices

