"""The drawing surface of the demo comic: design units in, supersampled pixels out.

Pillow's shapes are not anti-aliased, so everything is drawn at twice the final
size and shrunk with LANCZOS. Scenes are written in design units (a panel is
800 wide) and the Pen converts, so one script draws at any width.

A pen letters in a language: English in Pillow's own font (Aileron), the demo's
look since it was first drawn; Korean, and any letter Aileron lacks, in the
Nanum Gothic Bold kept in comics.fonts, because Aileron has no Hangul.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from comics import fonts

Color = tuple[int, int, int]
Point = tuple[float, float]
SUPERSAMPLE = 2  # draw at 2x and shrink: Pillow's shapes are not anti-aliased
INK: Color = (34, 30, 46)
LINE = 2.5  # outline width in design units


def mix(a: Color, b: Color, t: float) -> Color:
    """Blend colour a towards b by t (0..1)."""
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


@dataclass(frozen=True)
class Palette:
    """Colours for one mood, so every layer of a scene agrees."""

    sky: tuple[Color, ...]  # gradient stops, top to horizon
    far: Color
    near: Color
    ground: Color
    water: tuple[Color, Color]
    light: Color  # lit windows and lantern glow
    star: Color


PALETTES: dict[str, Palette] = {
    "night": Palette(((8, 12, 38), (24, 36, 86), (62, 80, 138)), (58, 70, 120), (32, 38, 76),
                     (22, 28, 52), ((48, 66, 122), (16, 24, 56)), (255, 190, 92), (255, 250, 226)),
    "dawn": Palette(((14, 20, 56), (60, 60, 122), (206, 138, 150), (255, 204, 150)), (104, 90, 142),
                    (58, 50, 96), (34, 32, 64), ((150, 120, 160), (40, 44, 90)), (255, 196, 104),
                    (255, 246, 228)),
    "dusk": Palette(((48, 34, 96), (142, 80, 138), (240, 146, 118), (255, 206, 146)), (126, 86, 140),
                    (80, 56, 104), (56, 44, 78), ((170, 110, 140), (70, 50, 96)), (255, 214, 130),
                    (255, 240, 220)),
    "train": Palette(((14, 10, 42), (44, 32, 92), (104, 68, 128)), (74, 56, 112), (42, 32, 72),
                     (28, 22, 50), ((84, 62, 132), (28, 20, 58)), (255, 206, 112), (255, 244, 230)),
    "city": Palette(((8, 16, 40), (22, 46, 86), (58, 90, 128)), (38, 56, 88), (22, 32, 56),
                    (30, 34, 48), ((40, 70, 110), (14, 24, 44)), (255, 204, 118), (240, 246, 255)),
    "morning": Palette(((118, 158, 210), (236, 196, 184), (255, 224, 176)), (150, 150, 192),
                       (104, 104, 146), (90, 84, 110), ((150, 170, 210), (90, 110, 160)),
                       (255, 226, 160), (255, 255, 240)),
}


class Pen:
    """Draw in design units (800 per panel width) on a supersampled image."""

    def __init__(self, image: Image.Image, scale: float, origin: Point = (0.0, 0.0), mood: str = "night",
                 language: str = "en") -> None:
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.scale = scale
        self.origin = origin
        self.mood = mood
        self.language = language  # picks the lettering face: see face_for

    def in_language(self, language: str) -> Pen:
        """Return a pen on the same picture that letters in another language."""
        return Pen(self.image, self.scale, self.origin, self.mood, language)

    @property
    def pal(self) -> Palette:
        """Return the palette of the current mood."""
        return PALETTES[self.mood]

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Return the drawable area in design units."""
        ox, oy = self.origin
        return ox, oy, ox + self.image.width / self.scale, oy + self.image.height / self.scale

    def px(self, x: float, y: float) -> Point:
        """Convert a design point to pixels."""
        return (x - self.origin[0]) * self.scale, (y - self.origin[1]) * self.scale

    def w(self, width: float) -> int:
        """Convert a line width to whole pixels, never zero."""
        return max(1, round(width * self.scale))

    def poly(self, points: Sequence[Point], fill: Color | None, outline: Color | None = None,
             width: float = LINE) -> None:
        """Fill a polygon; outline it with a centred stroke."""
        xy = [self.px(x, y) for x, y in points]
        if fill is not None:
            self.draw.polygon(xy, fill=fill)
        if outline is not None:
            # Pillow's own polygon outline grows inwards only; a closed line sits on the edge.
            self.draw.line([*xy, xy[0], xy[1]], fill=outline, width=self.w(width), joint="curve")

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: Color | None,
                outline: Color | None = None, width: float = LINE) -> None:
        """Draw an ellipse by centre and radii."""
        (x0, y0), (x1, y1) = self.px(cx - rx, cy - ry), self.px(cx + rx, cy + ry)
        self.draw.ellipse((x0, y0, x1, y1), fill=fill, outline=outline, width=self.w(width))

    def circle(self, cx: float, cy: float, r: float, fill: Color | None, outline: Color | None = None,
               width: float = LINE) -> None:
        """Draw a circle by centre and radius."""
        self.ellipse(cx, cy, r, r, fill, outline, width)

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: Color | None,
             outline: Color | None = None, width: float = LINE, radius: float = 0) -> None:
        """Draw a (rounded) rectangle."""
        (a, b), (c, d) = self.px(x0, y0), self.px(x1, y1)
        self.draw.rounded_rectangle((a, b, max(a, c), max(b, d)), radius=radius * self.scale, fill=fill,
                                    outline=outline, width=self.w(width))

    def line(self, points: Sequence[Point], fill: Color, width: float = LINE) -> None:
        """Draw a polyline with round joints."""
        self.draw.line([self.px(x, y) for x, y in points], fill=fill, width=self.w(width), joint="curve")

    def arc(self, cx: float, cy: float, rx: float, ry: float, start: float, end: float, fill: Color,
            width: float = LINE) -> None:
        """Draw part of an ellipse outline (angles in degrees, clockwise from 3 o'clock)."""
        (x0, y0), (x1, y1) = self.px(cx - rx, cy - ry), self.px(cx + rx, cy + ry)
        self.draw.arc((x0, y0, x1, y1), start, end, fill=fill, width=self.w(width))

    def chord(self, box: tuple[float, float, float, float], start: float, end: float, fill: Color,
              outline: Color | None = INK) -> None:
        """Draw a closed slice of an ellipse, e.g. a fringe of hair."""
        (x0, y0), (x1, y1) = self.px(*box[:2]), self.px(*box[2:])
        self.draw.chord((x0, y0, x1, y1), start, end, fill=fill, outline=outline, width=self.w(LINE))

    def gradient(self, x0: float, y0: float, x1: float, y1: float, stops: Sequence[Color]) -> None:
        """Fill a box with a vertical gradient through the stops."""
        (a, b), (c, d) = self.px(x0, y0), self.px(x1, y1)
        left, top, height = round(a), round(b), max(1, round(d) - round(b))
        column = Image.frombytes("RGB", (1, height), gradient_bytes(stops, height))
        self.image.paste(column.resize((max(1, round(c) - left), height), Image.Resampling.NEAREST), (left, top))

    def glow(self, cx: float, cy: float, r: float, color: Color, strength: float = 0.5) -> None:
        """Brighten a soft disc towards color, as light falls off from a source."""
        size = max(2, round(2 * r * self.scale))
        mask = glow_mask(size, round(strength * 100))
        x, y = self.px(cx - r, cy - r)
        self.image.paste(color, (round(x), round(y), round(x) + size, round(y) + size), mask)

    def font(self, size: float, text: str = "") -> tuple[Font, int]:
        """Return the font (and bitmap zoom) to letter text at size design units in this pen's language."""
        return lettering_font(round(size * self.scale), face_for(text, self.language))

    def text(self, x: float, y: float, text: str, size: float, fill: Color, stroke: float = 0) -> None:
        """Write one line of text with its top-left at (x, y)."""
        px = round(size * self.scale)
        face = face_for(text, self.language)
        font, zoom = lettering_font(px, face)
        left, top = self.px(x, y)
        # Faces sit differently under the same y: drop each so its letters start where Aileron's would,
        # and balloons laid out for English hold Korean lines in the same place.
        top += letters_top(px, LATIN_FACE) - letters_top(px, face)
        if isinstance(font, ImageFont.FreeTypeFont):
            self.draw.text((left, top), text, font=font, fill=fill, stroke_width=round(stroke * self.scale),
                           stroke_fill=INK)
        else:
            self.draw.bitmap((round(left), round(top)), text_mask(text, font, zoom), fill=fill)

    def measure(self, text: str, size: float) -> float:
        """Return the width of text in design units."""
        font, zoom = self.font(size, text)
        return font.getlength(bitmap_safe(text, font)) * zoom / self.scale

    def line_height(self, size: float, text: str = "") -> float:
        """Return the distance between lines of text (of the face text is lettered in) in design units."""
        px = round(size * self.scale)
        face = face_for(text, self.language)
        font, zoom = lettering_font(px, face)
        top, bottom = font.getbbox(bitmap_safe(REFERENCE_LETTERS[face], font))[1::2]
        return (bottom - top) * zoom * LEADING[face] / self.scale

    @contextmanager
    def clip(self, x0: float, y0: float, x1: float, y1: float, mood: str | None = None) -> Iterator[Pen]:
        """Yield a pen whose drawing is cut off at the given box."""
        (a, b), (c, d) = self.px(x0, y0), self.px(x1, y1)
        left, top = round(a), round(b)
        inner = self.image.crop((left, top, round(c), round(d)))
        origin = (self.origin[0] + left / self.scale, self.origin[1] + top / self.scale)
        yield Pen(inner, self.scale, origin, mood or self.mood, self.language)
        self.image.paste(inner, (left, top))

    def color(self, name: str | Color) -> Color:
        """Resolve a palette name ("near", "light" ...) or pass an RGB tuple through."""
        return name if isinstance(name, tuple) else getattr(self.pal, name)


def gradient_bytes(stops: Sequence[Color], height: int) -> bytes:
    """Return one RGB column that blends evenly through the stops."""
    out = bytearray()
    last = len(stops) - 1
    for i in range(height):
        t = i / max(height - 1, 1) * last
        j = min(int(t), last - 1)
        out += bytes(mix(stops[j], stops[j + 1], t - j))
    return bytes(out)


@lru_cache(maxsize=64)
def glow_mask(size: int, strength: int) -> Image.Image:
    """Return a size x size mask that fades from strength% at the centre to nothing at the rim."""
    # radial_gradient is 0 at the centre, 181 at the edge midpoints and 255 only in the corners;
    # fading to nothing at 181 keeps the square's edges invisible, squaring makes it soft
    lut = [round(255 * strength / 100 * max(0.0, 1 - v / 181) ** 2) for v in range(256)]
    return Image.radial_gradient("L").point(lut).resize((size, size), Image.Resampling.BILINEAR)


Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# The two lettering faces: Pillow's own Aileron (Latin only) and the bundled Nanum Gothic Bold (Hangul and Latin).
Face = Literal["aileron", "nanum-gothic"]
LATIN_FACE: Face = "aileron"
HANGUL_FACE: Face = "nanum-gothic"
LANGUAGE_FACES: dict[str, Face] = {"ko": HANGUL_FACE}  # any other language letters in Aileron where it can
# The letters that span a face's full height: a capital and a descender, or a Hangul syllable (which
# fills its square from above the capitals to below the baseline).
REFERENCE_LETTERS: dict[Face, str] = {LATIN_FACE: "Ag", HANGUL_FACE: "한"}
# Line spacing as a multiple of those letters' height; Hangul is denser and wants a little more air.
LEADING: dict[Face, float] = {LATIN_FACE: 1.32, HANGUL_FACE: 1.4}


def face_for(text: str, language: str = "en") -> Face:
    """Return the face to letter text in: the language's, unless that one lacks some of its letters."""
    face = LANGUAGE_FACES.get(language, LATIN_FACE)
    if face == LATIN_FACE and not all(map(latin_face_has, set(text))):
        return HANGUL_FACE
    return face


@lru_cache(maxsize=1024)
def latin_face_has(char: str) -> bool:
    """Tell whether Aileron draws char itself rather than a .notdef box."""
    if char.isascii():
        return True  # all there; its .notdef looks like its "?", so the glyph test could not tell for that one
    font, zoom = lettering_font(32, LATIN_FACE)
    return zoom > 1 or fonts.draws_glyph(font, char)  # without FreeType no face can do better


@lru_cache(maxsize=64)
def letters_top(px: int, face: Face) -> float:
    """Return how far below the point text is written at the face's reference letters begin, in pixels."""
    font, zoom = lettering_font(px, face)
    return font.getbbox(bitmap_safe(REFERENCE_LETTERS[face], font))[1] * zoom


@lru_cache(maxsize=64)
def lettering_font(px: int, face: Face = LATIN_FACE) -> tuple[Font, int]:
    """Return the face's font at px pixels with a zoom of 1, or Pillow's bitmap font and the zoom it needs.

    Without the bundled file (or without FreeType) the Hangul face falls back to Aileron: Korean then
    letters as boxes, but the picture is still drawn.
    """
    if face == HANGUL_FACE:
        try:
            return fonts.lettering_font(px), 1
        except (ImportError, OSError):
            pass
    try:
        return ImageFont.load_default(size=px), 1
    except (ImportError, OSError):
        # Pillow built without FreeType has only a small bitmap font: enlarged, it still reads
        font = ImageFont.load_default()
        top, bottom = font.getbbox("Ag")[1::2]
        return font, max(1, round(px * 0.9 / max(1, bottom - top)))


def bitmap_safe(text: str, font: Font) -> str:
    """Return text the font can take: Pillow's bitmap font reads Latin-1 only, so anything else becomes "?"."""
    if isinstance(font, ImageFont.FreeTypeFont):
        return text
    return text.encode("latin-1", "replace").decode("latin-1")


def text_mask(text: str, font: Font, zoom: int) -> Image.Image:
    """Return text as a mask, enlarged zoom times with hard pixel edges."""
    text = bitmap_safe(text, font)
    right, bottom = font.getbbox(text)[2:]
    mask = Image.new("L", (max(1, math.ceil(right)), max(1, math.ceil(bottom))))
    ImageDraw.Draw(mask).text((0, 0), text, font=font, fill=255)
    return mask.resize((mask.width * zoom, mask.height * zoom), Image.Resampling.NEAREST)
