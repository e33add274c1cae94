"""Draw the demo webtoon "The Lantern Road" with nothing but Pillow.

A newcomer running the site should see something that reads like a real
vertical-scroll comic before any artist has uploaded one. Every picture is
built from shapes and gradients at twice the requested size and downsampled
with LANCZOS, which anti-aliases every edge. The story, the alt texts and the
layout of each panel (which layers, where the balloons go) live in
``comics.demo_script``; this module only knows how to draw them.

The same art can be lettered in another language: ``draw_panel`` takes the
lettering to draw (``with_lines`` puts new words in the script's balloons) and
the language, which picks the face (Korean letters in the bundled Nanum Gothic,
see ``comics.demo.pen``). Balloons and captions are sized to their words.

No Flask here: these are plain functions from arguments to ``Image``.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Iterable, Sequence

from PIL import Image, ImageDraw, ImageFont

from comics.demo.cast import draw_lantern, draw_person
from comics.demo.pen import (
    INK,
    LINE,
    SUPERSAMPLE,
    Color,
    Pen,
    Point,
    text_mask,
)
from comics.demo.scenery import (
    LAYERS,
    draw_buildings,
    draw_ground,
    draw_hills,
    draw_moon,
    draw_mountains,
    draw_night_sky,
    draw_reeds,
    draw_river,
    draw_stars,
)
from comics.demo.script import (
    DEMO_SERIES,
    DESIGN_WIDTH,
    EPISODE_SCRIPTS,
    Caption,
    DemoEpisode,
    DemoSeries,
    Lettering,
    PanelScript,
    Sfx,
    Speech,
    Title,
)
from comics.fonts.line_breaks import break_lines

__all__ = [
    "DEMO_SERIES",
    "DemoEpisode",
    "DemoSeries",
    "Lettering",
    "draw_avatar",
    "draw_cover",
    "draw_panel",
    "letter_panel",
    "panel_script",
    "with_lines",
]


PAPER: Color = (255, 255, 255)
BALLOON: Color = (255, 255, 252)


def wrap_text(pen: Pen, text: str, size: float, width: float) -> list[str]:
    """Break text into lines no wider than width design units (newlines are kept).

    Korean breaks at its spaces, like English; a run too long for the line breaks between characters.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(break_lines(paragraph, width, lambda piece: pen.measure(piece, size)) or [""])
    return lines


def draw_text_block(pen: Pen, lines: list[str], cx: float | None, x: float, y: float, size: float,
                    fill: Color = INK) -> None:
    """Write lines from y down, centred on cx or left-aligned at x."""
    step = pen.line_height(size, "".join(lines))
    for i, line in enumerate(lines):
        lx = x if cx is None else cx - pen.measure(line, size) / 2
        pen.text(lx, y + i * step, line, size, fill)


def draw_caption(pen: Pen, text: str, x: float, y: float, width: float = 400, style: str = "narration",
                 size: float = 24) -> None:
    """Draw a narration box with its top-left at (x, y); style="letter" looks like notepaper."""
    pad = 16
    lines = wrap_text(pen, text, size, width - 2 * pad)
    width = min(width, max(pen.measure(line, size) for line in lines) + 2 * pad + 2)
    step = pen.line_height(size, text)
    height = 2 * pad + step * len(lines) - size * 0.25
    fill, ink = ((250, 248, 238), (40, 50, 112)) if style == "letter" else ((255, 244, 214), INK)
    pen.rect(x + 6, y + 6, x + width + 6, y + height + 6, (0, 0, 0) if style != "letter" else (90, 90, 120))
    pen.rect(x, y, x + width, y + height, fill, INK)
    if style == "letter":  # ruled lines under the words, like the page she writes on
        for i in range(len(lines)):
            ly = y + pad + (i + 1) * step - size * 0.22
            pen.line([(x + 8, ly), (x + width - 8, ly)], (180, 200, 230), 1.2)
    draw_text_block(pen, lines, None, x + pad, y + pad - size * 0.12, size, ink)


def draw_speech_balloon(pen: Pen, text: str, cx: float, cy: float, tail: Point, width: float = 280,
                        size: float = 25, thought: bool = False) -> None:
    """Draw a balloon centred at (cx, cy) with its tail pointing at the speaker."""
    lines = wrap_text(pen, text, size, width)
    tw = max(pen.measure(line, size) for line in lines)
    th = pen.line_height(size, text) * len(lines)
    # a text block fits inside an ellipse about sqrt(2) times its size; the rest is breathing room
    rx, ry = tw * 0.68 + 24, th * 0.68 + 20
    angle = math.atan2((tail[1] - cy) / ry, (tail[0] - cx) / rx)
    base = [(cx + 0.85 * rx * math.cos(angle + d), cy + 0.85 * ry * math.sin(angle + d)) for d in (-0.2, 0.2)]
    if thought:
        bumps = [(cx + rx * math.cos(t), cy + ry * math.sin(t)) for t in (i * math.tau / 14 for i in range(14))]
        bubble_r = max(rx, ry) * 0.26
        trail = [(cx + (tail[0] - cx) * f, cy + (tail[1] - cy) * f, r) for f, r in ((0.72, 12), (0.88, 8), (1.0, 5))]
        for bx, by in bumps:
            pen.circle(bx, by, bubble_r + LINE, INK)
        pen.ellipse(cx, cy, rx + LINE, ry + LINE, INK)
        for bx, by in bumps:
            pen.circle(bx, by, bubble_r, BALLOON)
        pen.ellipse(cx, cy, rx, ry, BALLOON)
        for bx, by, r in trail:
            pen.circle(bx, by, r, BALLOON, INK)
    else:
        # ink first, then paper on top: the white tail erases the outline where it joins the body
        pen.ellipse(cx, cy, rx + LINE, ry + LINE, INK)
        pen.poly([*base, tail], INK, INK, 2 * LINE)
        pen.ellipse(cx, cy, rx, ry, BALLOON)
        pen.poly([*base, tail], BALLOON)
    draw_text_block(pen, lines, cx, 0, cy - th / 2 + size * 0.08, size)


def draw_sfx(pen: Pen, text: str, x: float, y: float, size: float = 80, angle: float = 0,
             color: Color = (255, 226, 120)) -> None:
    """Draw a sound effect: big outlined letters, tilted by angle degrees, centred on (x, y)."""
    font, zoom = pen.font(size, text)
    if isinstance(font, ImageFont.FreeTypeFont):
        stroke = pen.w(size * 0.07)
        left, top, right, bottom = font.getbbox(text, stroke_width=stroke)
        art = Image.new("RGBA", (math.ceil(right - left) + 4, math.ceil(bottom - top) + 4), (0, 0, 0, 0))
        ImageDraw.Draw(art).text((2 - left, 2 - top), text, font=font, fill=color, stroke_width=stroke,
                                 stroke_fill=INK)
    else:  # the bitmap fallback font cannot be stroked: plain enlarged letters
        mask = text_mask(text, font, zoom)
        art = Image.new("RGBA", mask.size, color)
        art.putalpha(mask)
    art = art.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    px, py = pen.px(x, y)
    pen.image.paste(art, (round(px - art.width / 2), round(py - art.height / 2)), art)


def draw_title(pen: Pen, text: str, y: float, kicker: str = "", size: float = 46) -> None:
    """Centre an episode title (with a small kicker line above it) at height y."""
    cx = DESIGN_WIDTH / 2
    if kicker:
        pen.text(cx - pen.measure(kicker, 22) / 2, y, kicker, 22, (150, 110, 70))
        y += 34
    while pen.measure(text, size) > DESIGN_WIDTH - 80 and size > 12:
        size -= 2
    pen.text(cx - pen.measure(text, size) / 2, y, text, size, INK)


def draw_lettering(pen: Pen, item: Lettering) -> None:
    """Draw one caption, balloon, sound effect or title."""
    if isinstance(item, Caption):
        draw_caption(pen, item.text, item.x, item.y, item.width, item.style)
    elif isinstance(item, Speech):
        draw_speech_balloon(pen, item.text, item.x, item.y, item.tail, item.width, thought=item.thought)
    elif isinstance(item, Sfx):
        draw_sfx(pen, item.text, item.x, item.y, item.size, item.angle, item.color)
    elif isinstance(item, Title):
        draw_title(pen, item.text, item.y, item.kicker)


def letter_panel(pen: Pen, letters: Iterable[Lettering], language: str = "en") -> None:
    """Letter captions, balloons, sound effects and titles onto a drawn panel, in the language's face."""
    lettering_pen = pen.in_language(language)
    for item in letters:
        draw_lettering(lettering_pen, item)


def with_lines(letters: Sequence[Lettering], lines: Sequence[str]) -> tuple[Lettering, ...]:
    """Return the letters with their words replaced, in order, by lines: the same balloons in another language.

    Places, widths and styles are kept, and balloons and boxes grow or shrink to the new words. To
    change anything else (a title's kicker, a speaker's name, a wider balloon) use dataclasses.replace.
    """
    if len(lines) != len(letters):
        raise ValueError(f"{len(lines)} lines given for {len(letters)} letters: give one line per letter")
    return tuple(dataclasses.replace(item, text=line) for item, line in zip(letters, lines, strict=True))


def panel_script(episode_number: int, panel_index: int) -> PanelScript:
    """Return the script of one panel; panel_index counts from 0."""
    episode = next((e for e in EPISODE_SCRIPTS if e.number == episode_number), None)
    if episode is None:
        raise ValueError(f"no demo episode {episode_number}")
    if not 0 <= panel_index < len(episode.panels):
        raise ValueError(f"demo episode {episode_number} has no panel {panel_index}")
    return episode.panels[panel_index]


def draw_panel(episode_number: int, panel_index: int, width: int = 800, *, letters: Sequence[Lettering] | None = None,
               language: str = "en") -> Image.Image:
    """Draw one tall panel of the demo series as an RGB image width pixels wide.

    letters replace the script's lettering (e.g. with_lines(panel_script(1, 0).letters, korean_lines)),
    lettered in the language's face; by default the English script's, in English.
    """
    if width < 1:
        raise ValueError("width must be positive")
    script = panel_script(episode_number, panel_index)
    scale = SUPERSAMPLE * width / DESIGN_WIDTH
    canvas = Image.new("RGB", (round(DESIGN_WIDTH * scale), round(script.height * scale)), PAPER)
    pen = Pen(canvas, scale, mood=script.mood)
    # seeded by position, so the same panel always gets the same stars and windows
    rng = random.Random(f"lantern-road/{episode_number}/{panel_index}")
    x0, y0, x1, y1 = script.frame
    with pen.clip(x0, y0, x1, y1) as scene:
        for layer in script.scene:
            LAYERS[layer.name](scene, rng, **layer.args)
    if script.bleed:  # full-width panels only need their top and bottom edges
        pen.line([(x0, y0), (x1, y0)], INK, 3)
        pen.line([(x0, y1), (x1, y1)], INK, 3)
    else:
        pen.rect(x0, y0, x1, y1, None, INK, 3)
    letter_panel(pen, script.letters if letters is None else letters, language)
    return canvas.resize((width, round(script.height * width / DESIGN_WIDTH)), Image.Resampling.LANCZOS)


def draw_cover(width: int = 800, height: int = 1000, *, title: str = DEMO_SERIES.title, byline: str | None = None,
               language: str = "en") -> Image.Image:
    """Draw the series cover: Mirae raising her lantern above the river, with the title and byline.

    The byline defaults to "by" and the artist's name; another language passes its own words.
    """
    if width < 1 or height < 1:
        raise ValueError("width and height must be positive")
    scale = SUPERSAMPLE * width / DESIGN_WIDTH
    h = height / width * DESIGN_WIDTH  # design height
    canvas = Image.new("RGB", (round(DESIGN_WIDTH * scale), round(h * scale)), PAPER)
    pen, rng = Pen(canvas, scale, mood="dawn", language=language), random.Random("lantern-road/cover")
    draw_night_sky(pen, rng, horizon=h * 0.66)
    draw_stars(pen, rng, count=220, bottom=h * 0.5)
    draw_moon(pen, rng, 600, h * 0.3, 64)
    draw_mountains(pen, rng, h * 0.66, h * 0.22, "far", peaks=4)
    draw_buildings(pen, rng, h * 0.66, 10, 40, "near", lit=0.7, cell=8)
    draw_river(pen, rng, h * 0.66, h * 0.8, reflect=600)
    draw_ground(pen, rng, [(-10, h * 0.82), (200, h * 0.76), (420, h * 0.8), (810, h * 0.86)])
    draw_reeds(pen, rng, h * 0.9, 520, 800, 16, 110)
    draw_person(pen, rng, "mirae", 290, h * 0.96, h * 0.36, arm="up", hold="lantern")
    size = 86.0
    while pen.measure(title, size) > DESIGN_WIDTH - 60 and size > 12:
        size -= 2
    pen.text((DESIGN_WIDTH - pen.measure(title, size)) / 2, h * 0.05, title, size, (255, 236, 190), stroke=5)
    byline = f"by {DEMO_SERIES.artist_name}" if byline is None else byline
    pen.text((DESIGN_WIDTH - pen.measure(byline, 30)) / 2, h * 0.05 + size * 1.25, byline, 30, (255, 255, 255), 3)
    return canvas.resize((width, height), Image.Resampling.LANCZOS)


def draw_avatar(size: int = 400) -> Image.Image:
    """Draw the fictional artist's avatar: a lit lantern under the stars."""
    if size < 1:
        raise ValueError("size must be positive")
    scale = SUPERSAMPLE * size / 400
    canvas = Image.new("RGB", (round(400 * scale), round(400 * scale)), PAPER)
    pen, rng = Pen(canvas, scale, mood="night"), random.Random("lantern-road/avatar")
    draw_night_sky(pen, rng)
    draw_stars(pen, rng, count=60)
    draw_hills(pen, rng, 370, 60, "far", outline=False)
    pen.line([(200, 0), (200, 86)], INK, 3)
    draw_lantern(pen, rng, 200, 80, 240, glow=0.3)
    return canvas.resize((size, size), Image.Resampling.LANCZOS)
