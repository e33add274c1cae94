"""The pure steps chained for one uploaded file: open, look at what the file says, normalise, narrow, slice."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from typing import IO

from PIL import Image

from comics.images.disclosure import Disclosure, disclosure
from comics.images.encoding import make_master
from comics.images.normalising import normalise
from comics.images.opening import ImageLimits, open_image
from comics.images.slicing import slice_strip

_DIGITS = re.compile(r"([0-9]+)")


def natural_key(name: str) -> tuple[object, ...]:
    """Return a sort key under which "2.png" comes before "10.png".

    Names are NFKC-normalised first: macOS sends Korean names decomposed (NFD) and some keyboards type
    full-width digits, and both should sort as the artist sees them.
    """
    parts = _DIGITS.split(unicodedata.normalize("NFKC", name).casefold())
    # split() alternates text and digits, text first, so each position always holds the same type.
    # The name itself breaks ties ("01" and "1") so the order never depends on the input order.
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts)), name


@dataclass
class PreparedUpload:
    """One upload made ready: its slices (masters to be), notes for the artist, and what its file said."""

    slices: list[Image.Image]
    notes: list[str]
    disclosure: Disclosure


def prepare_upload(
    source: bytes | IO[bytes] | os.PathLike[str] | str,
    filename: str,
    limits: ImageLimits = ImageLimits(),
    slice_height: int = 1280,
    master_width: int = 1600,
) -> PreparedUpload:
    """Open, note what the file said (kinds only), normalise, narrow and slice one upload."""
    opened = open_image(source, filename, limits, draft_width=master_width)
    notes = opened.notes
    said = disclosure(opened.image)
    image = normalise(opened.image)
    del opened  # let the decoded upload go before the next full-size copy is made
    image = make_master(image, master_width)
    return PreparedUpload(slice_strip(image, slice_height), notes, said)


def prepare_panels(
    source: bytes | IO[bytes] | os.PathLike[str] | str,
    filename: str,
    limits: ImageLimits = ImageLimits(),
    slice_height: int = 1280,
    master_width: int = 1600,
) -> tuple[list[Image.Image], list[str]]:
    """Open, normalise, narrow and slice one upload; return the slices, ready to be masters, and notes."""
    prepared = prepare_upload(source, filename, limits, slice_height, master_width)
    return prepared.slices, prepared.notes
