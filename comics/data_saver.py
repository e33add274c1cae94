"""Data-saver mode and what an episode costs to read, in bytes.

A reader asks for data-saver mode with their browser's `Save-Data: on` header or with the page's own
switch, which adds `?saver=on` to the address (the switch's choice is kept in the reader's browser by
static/js/reader.js, which reloads an episode with the flag). In that mode every panel offers only its
narrowest rendition and nothing is prefetched. The page cache keys the header apart (save_data_variant,
handed to web.page_cache by the factory) and the episode page says `Vary: Save-Data`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Request, request

from comics.images.models import Rendition, StoredImage
from comics.media import media_url
from comics.models import Panel

SAVER_ARG = "saver"
# The phone the "full" figure is for: 390 CSS px wide at 3 device pixels per CSS pixel. The strip is
# 100vw wide below 800 CSS px (templates/macros/images.html), so that phone wants 1170 px.
REFERENCE_PHONE_PIXELS = 390 * 3


def save_data_header(environ: Mapping[str, Any]) -> bool:
    """Tell whether the browser sent `Save-Data: on`: the one reading of the header, for the page and
    for the page cache's key (save_data_variant)."""
    return str(environ.get("HTTP_SAVE_DATA", "")).strip().lower() == "on"


def save_data_variant(environ: Mapping[str, Any]) -> str | None:
    """Return the page cache's word for a reader whose browser asks to save data, or None."""
    return "save-data" if save_data_header(environ) else None


def data_saver_source(req: Request | None = None) -> str | None:
    """Return why this request is in data-saver mode ("header" or "switch"), or None when it is not."""
    req = req or request
    if save_data_header(req.environ):
        return "header"
    if req.args.get(SAVER_ARG) == "on":
        return "switch"
    return None


def preferred_sources(image: StoredImage) -> list[Rendition]:
    """Return the renditions of the first format the image has, in the browser's order, narrowest first."""
    offered = image.offered()
    return offered[0][2] if offered else []


def pick_width(sources: Sequence[Rendition], pixels: int) -> Rendition | None:
    """Return the rendition a browser picks for a slot this many device pixels wide."""
    for rendition in sources:
        if rendition.width >= pixels:
            return rendition
    return sources[-1] if sources else None


@dataclass(frozen=True)
class EpisodeCost:
    """The bytes of an episode's panels: as a 3× phone reads it, and in data-saver mode."""

    full: int
    saver: int


def episode_cost(panels: Iterable[Panel]) -> EpisodeCost:
    """Add up what the panels cost: the AVIF a 390-CSS-px 3× phone picks, and the narrowest of each."""
    full = saver = 0
    for panel in panels:
        sources = preferred_sources(panel.image)
        chosen = pick_width(sources, REFERENCE_PHONE_PIXELS)
        full += chosen.size if chosen else 0
        saver += sources[0].size if sources else 0
    return EpisodeCost(full=full, saver=saver)


def prefetch_sources(panels: Iterable[Panel], count: int = 2) -> list[dict[str, Any]]:
    """Return the first panels' renditions as {format: [[width, url], ...]}, for reader.js to prefetch."""
    plan = []
    for panel in list(panels)[:count]:
        plan.append(
            {
                format: [[rendition.width, media_url(rendition.file)] for rendition in sources]
                for format, _media_type, sources in panel.image.offered()
            }
        )
    return plan
