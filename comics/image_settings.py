"""The image pipeline's settings: their defaults, and the check that refuses a bad one at startup.

A wrong value here would otherwise surface much later, as a failed upload (a slice taller than WebP
allows) or a silently useless limit (a width limit of "8000", a string). create_app calls
check_image_settings, so the site does not start with one, and says which setting is wrong.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from comics import imaging

_LIMITS = imaging.ImageLimits()

# Layered into app.config by create_app; each can be set in instance/config.py or as FLASK_<NAME>.
IMAGE_SETTINGS: dict[str, Any] = {
    "UPLOAD_MAX_BYTES": _LIMITS.max_bytes,
    "UPLOAD_MAX_PIXELS": _LIMITS.max_pixels,
    "UPLOAD_MAX_WIDTH": _LIMITS.max_width,
    "UPLOAD_MAX_HEIGHT": _LIMITS.max_height,
    "UPLOAD_MAX_FRAMES": _LIMITS.max_frames,
    "PANEL_SLICE_HEIGHT": 1280,
    "MASTER_MAX_WIDTH": 1600,
    "RENDITION_WIDTHS": imaging.DEFAULT_WIDTHS,
}

_LIMIT_KEYS = ("UPLOAD_MAX_BYTES", "UPLOAD_MAX_PIXELS", "UPLOAD_MAX_WIDTH", "UPLOAD_MAX_HEIGHT", "UPLOAD_MAX_FRAMES")
# Every rendition is at most a slice tall and a master wide, and WebP holds no larger side.
_SIDE_KEYS = ("PANEL_SLICE_HEIGHT", "MASTER_MAX_WIDTH")


def _check_whole(key: str, value: object, largest: int | None = None) -> None:
    """Raise ValueError unless value is a whole number from 1 to largest (True is not a number here)."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= (largest or value):
        return
    bounds = f"from 1 to {largest}" if largest is not None else "of at least 1"
    raise ValueError(f"{key} must be a whole number {bounds}, not {value!r} (see docs/imaging.md)")


def check_image_settings(config: Mapping[str, Any]) -> None:
    """Raise ValueError naming the first image setting that is missing a sane value."""
    for key in _LIMIT_KEYS:
        _check_whole(key, config[key])
    for key in _SIDE_KEYS:
        _check_whole(key, config[key], imaging.WEBP_MAX_SIDE)
    widths = config["RENDITION_WIDTHS"]
    if not isinstance(widths, (list, tuple)) or not widths:
        raise ValueError(f"RENDITION_WIDTHS must be a list of widths in pixels, such as [480, 800, 1200], not {widths!r}")
    for width in widths:
        _check_whole("each of RENDITION_WIDTHS", width, imaging.WEBP_MAX_SIDE)
    if len(set(widths)) != len(widths):
        raise ValueError(f"RENDITION_WIDTHS names a width twice: {widths!r}")


def image_limits(config: Mapping[str, Any]) -> imaging.ImageLimits:
    """Return the configured per-image limits."""
    return imaging.ImageLimits(
        max_bytes=config["UPLOAD_MAX_BYTES"],
        max_pixels=config["UPLOAD_MAX_PIXELS"],
        max_width=config["UPLOAD_MAX_WIDTH"],
        max_height=config["UPLOAD_MAX_HEIGHT"],
        max_frames=config["UPLOAD_MAX_FRAMES"],
    )
