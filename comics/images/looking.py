"""Looking at a panel's pixels for the editor: does it look like a photograph, and blurring a region away.

Drawings, painted or inked, hold large areas where neighbouring pixels are equal or nearly so (flat
colour, a smooth gradient); a photograph's sensor noise and texture leave almost none. The share of
such flat pixels, measured on a copy at most LOOK_SIDE pixels on its longer side, tells them apart
(the figures are in docs/review.md). Pure Pillow and numpy: no Flask, no database.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from functools import lru_cache

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


# --- faces ---------------------------------------------------------------------------------------------
#
# OpenCV 5 no longer carries its Viola-Jones cascade classifier (CascadeClassifier left the main
# modules), and its YuNet detector needs a model file no installed package ships. The trained cascades
# themselves ship with Debian's opencv-data package; this evaluates one exactly as OpenCV 4's
# HaarEvaluator did (variance-normalised Haar features on integral images, stage by stage, over an image
# pyramid, then OpenCV's grouping of neighbouring windows), in numpy, a window grid at a time.

# Debian's opencv-data: the frontal face cascade of OpenCV's own training (Rainer Lienhart's).
DEFAULT_FACE_CASCADE = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"
# Faces are looked for on a copy at most this size: a face smaller than 24 px there (about 1/27 of the
# longer side) is not found, and the look takes a fraction of a second.
FACE_SIDE = 640
PYRAMID_STEP = 1.1
# OpenCV's detectMultiScale defaults: a face is where at least this many neighbouring windows agree.
MIN_NEIGHBOURS = 3
GROUP_EPS = 0.2


class FacesUnavailable(RuntimeError):
    """The face cascade cannot be read: faces are not looked for, and the panel says so."""


@dataclass(frozen=True)
class _Stump:
    feature: int
    threshold: float
    left: float
    right: float


@dataclass(frozen=True)
class _Stage:
    threshold: float
    stumps: tuple[_Stump, ...]


@dataclass(frozen=True)
class Cascade:
    """A boosted Haar cascade of stumps, as OpenCV writes them (opencv-cascade-classifier XML)."""

    width: int
    height: int
    stages: tuple[_Stage, ...]
    features: tuple[tuple[tuple[int, int, int, int, float], ...], ...]


def _numbers(text: str | None) -> list[float]:
    return [float(part) for part in (text or "").split()]


@lru_cache(maxsize=4)
def load_cascade(path: str) -> Cascade:
    """Read a stump-based HAAR cascade from OpenCV's XML; raise FacesUnavailable when it cannot be used."""
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError) as error:
        raise FacesUnavailable(f"cannot read the face cascade {path}: {error}") from error
    cascade = root.find("cascade")
    if cascade is None or (cascade.findtext("featureType") or "").strip() != "HAAR":
        raise FacesUnavailable(f"{path} is not a HAAR cascade in OpenCV's format")
    stages = []
    for stage in cascade.iterfind("stages/_"):
        stumps = []
        for weak in stage.iterfind("weakClassifiers/_"):
            nodes, leaves = _numbers(weak.findtext("internalNodes")), _numbers(weak.findtext("leafValues"))
            if len(nodes) != 4 or len(leaves) != 2:
                raise FacesUnavailable(f"{path} holds trees, not stumps: only stump cascades are read")
            stumps.append(_Stump(int(nodes[2]), nodes[3], leaves[0], leaves[1]))
        stages.append(_Stage(float(stage.findtext("stageThreshold") or 0), tuple(stumps)))
    features = []
    for feature in cascade.iterfind("features/_"):
        if (feature.findtext("tilted") or "0").strip() not in ("", "0"):
            raise FacesUnavailable(f"{path} uses tilted features, which are not read")
        rects = tuple(tuple(_numbers(rect.text)) for rect in feature.iterfind("rects/_"))
        features.append(tuple((int(x), int(y), int(w), int(h), weight) for x, y, w, h, weight in rects))
    return Cascade(int(cascade.findtext("width") or 0), int(cascade.findtext("height") or 0), tuple(stages), tuple(features))


def _stage_tables(cascade: Cascade) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]]:
    """Return each stage as arrays over its stumps: rectangles (stump, 3, x y w h), weights (stump, 3),
    thresholds, left and right leaves, and the stage's threshold (a stump's missing rectangles weigh 0)."""
    tables = []
    for stage in cascade.stages:
        rects = np.zeros((len(stage.stumps), 3, 4), dtype=np.int64)
        weights = np.zeros((len(stage.stumps), 3))
        for index, stump in enumerate(stage.stumps):
            for slot, (x, y, w, h, weight) in enumerate(cascade.features[stump.feature][:3]):
                rects[index, slot] = (x, y, w, h)
                weights[index, slot] = weight
        thresholds = np.array([stump.threshold for stump in stage.stumps])
        lefts = np.array([stump.left for stump in stage.stumps])
        rights = np.array([stump.right for stump in stage.stumps])
        tables.append((rects, weights, thresholds, lefts, rights, stage.threshold))
    return tables


_TABLES: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]]] = {}


def _windows(grey: np.ndarray, cascade: Cascade, step: int) -> list[tuple[int, int]]:
    """Return the top-left corners of the windows of one pyramid level that pass every stage."""
    height, width = grey.shape
    if height < cascade.height or width < cascade.width:
        return []
    tables = _TABLES.setdefault(id(cascade), _stage_tables(cascade))
    pixels = grey.astype(np.float64)
    summed = np.zeros((height + 1, width + 1))
    summed[1:, 1:] = pixels.cumsum(0).cumsum(1)
    squared = np.zeros((height + 1, width + 1))
    squared[1:, 1:] = (pixels * pixels).cumsum(0).cumsum(1)
    flat_sum, flat_squared, row = summed.ravel(), squared.ravel(), width + 1
    ys, xs = np.mgrid[0 : height - cascade.height + 1 : step, 0 : width - cascade.width + 1 : step]
    corners = ys.ravel() * row + xs.ravel()

    def box(
        table: np.ndarray, x: np.ndarray | int, y: np.ndarray | int, w: np.ndarray | int, h: np.ndarray | int, at: np.ndarray
    ) -> np.ndarray:
        top_left = np.asarray(y * row + x)[..., None] + at
        bottom_right = np.asarray((y + h) * row + x + w)[..., None] + at
        top_right = np.asarray(y * row + x + w)[..., None] + at
        bottom_left = np.asarray((y + h) * row + x)[..., None] + at
        sums: np.ndarray = table[bottom_right] - table[top_right] - table[bottom_left] + table[top_left]
        return sums

    # OpenCV normalises every feature by the window's spread, measured inside a one-pixel border.
    inner = (cascade.width - 2, cascade.height - 2)
    area = inner[0] * inner[1]
    spread = area * box(flat_squared, 1, 1, *inner, corners) - box(flat_sum, 1, 1, *inner, corners) ** 2
    # A window flat as a wall holds no face (OpenCV's setWindow refuses it too).
    alive = (spread > 0) & (area / np.sqrt(np.maximum(spread, 1e-9)) < 0.1)
    corners, norm = corners[alive], np.sqrt(spread[alive])
    for rects, weights, thresholds, lefts, rights, stage_threshold in tables:
        if corners.size == 0:
            return []
        sums = box(flat_sum, rects[..., 0], rects[..., 1], rects[..., 2], rects[..., 3], corners)  # (stump, 3, window)
        values = (sums * weights[..., None]).sum(axis=1) / norm
        total = np.where(values < thresholds[:, None], lefts[:, None], rights[:, None]).sum(axis=0)
        passed = total >= stage_threshold
        corners, norm = corners[passed], norm[passed]
    return [(int(corner // row), int(corner % row)) for corner in corners]


def _grouped(found: list[tuple[float, float, float, float]]) -> list[Region]:
    """Merge overlapping detections as OpenCV's groupRectangles does; keep those enough windows agree on."""
    parent = list(range(len(found)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for i, (x1, y1, w1, h1) in enumerate(found):
        for j in range(i):
            x2, y2, w2, h2 = found[j]
            delta = GROUP_EPS * (min(w1, w2) + min(h1, h2)) * 0.5
            if (
                abs(x1 - x2) <= delta
                and abs(y1 - y2) <= delta
                and abs(x1 + w1 - x2 - w2) <= delta
                and abs(y1 + h1 - y2 - h2) <= delta
            ):
                parent[root(i)] = root(j)
    clusters: dict[int, list[tuple[float, float, float, float]]] = {}
    for index, rect in enumerate(found):
        clusters.setdefault(root(index), []).append(rect)
    kept = [
        (len(members), [sum(values) / len(members) for values in zip(*members, strict=True)])
        for members in clusters.values()
        if len(members) > MIN_NEIGHBOURS
    ]
    regions = [Region(round(x), round(y), round(w), round(h)) for _count, (x, y, w, h) in kept]
    # A face found inside a larger one is the same face seen closer.
    return [
        region
        for region in regions
        if not any(
            other is not region
            and other.x <= region.x
            and other.y <= region.y
            and other.x + other.width >= region.x + region.width
            and other.y + other.height >= region.y + region.height
            for other in regions
        )
    ]


def find_faces(image: Image.Image, cascade_path: str = DEFAULT_FACE_CASCADE) -> list[Region]:
    """Return the faces a frontal face cascade finds in the image, in the image's own pixels."""
    cascade = load_cascade(cascade_path)
    copy = image.convert("L")
    scale = min(1.0, FACE_SIDE / max(copy.size))
    if scale < 1:
        copy = copy.resize((max(1, round(copy.width * scale)), max(1, round(copy.height * scale))), Image.Resampling.BOX)
    # OpenCV equalises nothing by default; its detector sees the grey pixels as they are.
    found: list[tuple[float, float, float, float]] = []
    factor = 1.0
    while copy.width / factor >= cascade.width and copy.height / factor >= cascade.height:
        level = (
            copy
            if factor == 1.0
            else copy.resize((round(copy.width / factor), round(copy.height / factor)), Image.Resampling.BILINEAR)
        )
        for y, x in _windows(np.asarray(level), cascade, 1 if factor > 2 else 2):
            found.append((x * factor, y * factor, cascade.width * factor, cascade.height * factor))
        factor *= PYRAMID_STEP
    return [
        Region(round(region.x / scale), round(region.y / scale), round(region.width / scale), round(region.height / scale))
        for region in _grouped(found)
    ]
