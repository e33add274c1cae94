"""Scenery for the demo comic: skies, water, hills, streets, trains and rooms.

Every layer is a function f(pen, rng, **args) that paints one thing. A panel's
scene in comics.demo_script is a list of layer names and arguments, painted
back to front; LAYERS maps those names to the functions here and in demo_cast.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from itertools import pairwise

from comics.demo.cast import draw_hand, draw_lantern, draw_person
from comics.demo.pen import INK, Color, Pen, Point, mix

# Interior walls: top and bottom of the wall gradient, then the floor.
WALLS: dict[str, tuple[Color, Color, Color]] = {
    "home": ((96, 62, 58), (156, 104, 76), (92, 60, 44)),
    "carriage": ((70, 84, 104), (122, 128, 134), (66, 58, 62)),
    "bakery": ((226, 178, 120), (246, 214, 160), (150, 100, 66)),
    "attic": ((44, 52, 84), (82, 84, 116), (70, 56, 58)),
    "lantern": ((30, 20, 40), (74, 44, 46), (40, 28, 36)),
}


def draw_night_sky(pen: Pen, rng: random.Random, horizon: float | None = None) -> None:
    """Fill the frame with the mood's sky, fading to its last colour at the horizon."""
    x0, y0, x1, y1 = pen.box
    bottom = y1 if horizon is None else horizon
    pen.gradient(x0, y0, x1, bottom, pen.pal.sky)
    if bottom < y1:
        pen.rect(x0, bottom, x1, y1, pen.pal.sky[-1], width=0)


def draw_stars(pen: Pen, rng: random.Random, count: int = 150, top: float | None = None,
               bottom: float | None = None) -> None:
    """Scatter stars of a few sizes; a handful get a twinkle cross."""
    x0, y0, x1, y1 = pen.box
    top, bottom = (y0 if top is None else top), (y1 if bottom is None else bottom)
    star = pen.pal.star
    for _ in range(count):
        x, y = rng.uniform(x0, x1), rng.uniform(top, bottom)
        r = rng.choice((0.9, 1.2, 1.2, 1.6, 2.2))
        pen.circle(x, y, r, mix(pen.pal.sky[0], star, rng.uniform(0.55, 1.0)), width=0)
        if rng.random() < 0.03:
            pen.glow(x, y, 14, star, 0.5)
            pen.line([(x - 9, y), (x + 9, y)], star, 1.2)
            pen.line([(x, y - 9), (x, y + 9)], star, 1.2)


def draw_moon(pen: Pen, rng: random.Random, x: float, y: float, r: float) -> None:
    """Draw a full moon with a halo and a few soft craters."""
    pen.glow(x, y, r * 3.4, pen.pal.star, 0.35)
    pen.circle(x, y, r, (250, 244, 222))
    for dx, dy, cr in ((-0.3, -0.2, 0.22), (0.25, 0.15, 0.16), (-0.05, 0.45, 0.12)):
        pen.circle(x + dx * r, y + dy * r, cr * r, (234, 226, 202))


def draw_mountains(pen: Pen, rng: random.Random, y: float, amp: float, tone: str = "far",
                   peaks: int = 4) -> None:
    """Draw a jagged range whose peaks rise up to amp above y, lit on one side by the moon."""
    x0, _, x1, y1 = pen.box
    step = (x1 - x0 + 80) / (peaks * 2)
    ridge = [(x0 - 40 + i * step + rng.uniform(-0.25, 0.25) * step,
              y - amp * (rng.uniform(0.6, 1.0) if i % 2 else rng.uniform(0.0, 0.3)))
             for i in range(peaks * 2 + 1)]
    base = pen.color(tone)
    pen.poly([*ridge, (x1 + 40, y1 + 10), (x0 - 40, y1 + 10)], base)
    lit = mix(base, pen.pal.star, 0.13)
    for (px_, py_), (vx, vy) in zip(ridge[1::2], ridge[2::2], strict=True):
        # the moonlit face runs from the peak down the right slope to a point in the shadow
        pen.poly([(px_, py_), (vx, vy), (px_ + (vx - px_) * 0.35, vy + amp * 0.3)], lit)


def draw_hills(pen: Pen, rng: random.Random, y: float, amp: float, tone: str = "near",
               outline: bool = True) -> None:
    """Draw smooth rolling hills around height y."""
    x0, _, x1, y1 = pen.box
    phase, freq = rng.uniform(0, math.tau), rng.uniform(1.0, 2.0)
    pts = [(x, y - amp * (0.5 + 0.35 * math.sin(freq * math.tau * (x - x0) / (x1 - x0) + phase)
                          + 0.15 * math.sin(3.7 * freq * math.tau * (x - x0) / (x1 - x0))))
           for x in range(int(x0) - 20, int(x1) + 30, 10)]
    pen.poly([*pts, (x1 + 20, y1 + 10), (x0 - 20, y1 + 10)], pen.color(tone), INK if outline else None)


def draw_ground(pen: Pen, rng: random.Random, points: Sequence[Point], tone: str = "ground") -> None:
    """Fill from a ridge line down to the bottom of the frame."""
    y1 = pen.box[3]
    pen.poly([*points, (points[-1][0], y1 + 10), (points[0][0], y1 + 10)], pen.color(tone), INK)


def draw_river(pen: Pen, rng: random.Random, top: float, bottom: float | None = None,
               reflect: float | None = None) -> None:
    """Draw water with perspective ripples and, if reflect is set, a moon path at that x."""
    x0, _, x1, y1 = pen.box
    bottom = y1 if bottom is None else bottom
    pen.gradient(x0, top, x1, bottom, pen.pal.water)
    pen.line([(x0, top), (x1, top)], mix(pen.pal.water[0], pen.pal.star, 0.4), 2)
    foam = mix(pen.pal.water[0], pen.pal.star, 0.35)
    y, gap = top + 8, 9.0
    while y < bottom - 4:
        t = (y - top) / max(bottom - top, 1)
        length = 14 + 80 * t  # ripples grow and spread out towards the viewer
        for _ in range(int((x1 - x0) / (length * 2.6)) + 1):
            pen.arc(rng.uniform(x0, x1), y, length / 2, length * 0.12, 200, 340, foam, 1.2 + 1.8 * t)
        if reflect is not None:
            half = 10 + 46 * t * rng.uniform(0.5, 1.0)
            jitter = rng.uniform(-8, 8) * (0.3 + t)
            glint = mix(pen.pal.water[0], pen.pal.star, rng.uniform(0.45, 0.85))
            pen.line([(reflect - half + jitter, y), (reflect + half + jitter, y)], glint, 1.5 + 1.5 * t)
        y, gap = y + gap, gap * 1.16
    if reflect is not None:
        pen.glow(reflect, top + (bottom - top) * 0.3, (bottom - top) * 0.45, pen.pal.star, 0.18)


def draw_path(pen: Pen, rng: random.Random, points: Sequence[tuple[float, float, float]]) -> None:
    """Draw a moonlit path through (x, y, width) points, widest nearest the viewer."""
    centre = rounded(points)
    left = [(x - w / 2, y) for x, y, w in centre]
    right = [(x + w / 2, y) for x, y, w in reversed(centre)]
    pen.poly(left + right, mix(pen.pal.ground, pen.pal.star, 0.22))


def rounded(points: Sequence[tuple[float, ...]], rounds: int = 3) -> list[tuple[float, ...]]:
    """Round a polyline's corners by cutting them again and again (Chaikin's algorithm)."""
    out = list(points)
    for _ in range(rounds):
        cut = [out[0]]
        for p, q in pairwise(out):
            cut.append(tuple(0.75 * a + 0.25 * b for a, b in zip(p, q, strict=True)))
            cut.append(tuple(0.25 * a + 0.75 * b for a, b in zip(p, q, strict=True)))
        out = [*cut, out[-1]]
    return out


def draw_reeds(pen: Pen, rng: random.Random, y: float, x0: float, x1: float, count: int = 30,
               height: float = 120) -> None:
    """Draw reeds and bulrushes standing on the line y."""
    stalk = mix(pen.pal.ground, pen.pal.star, 0.28)  # a little moonlight, or they vanish into the bank
    for i in range(count):
        bx = x0 + (x1 - x0) * (i + rng.random()) / count
        hh, lean = height * rng.uniform(0.55, 1.1), rng.uniform(-0.22, 0.22) * height
        tip = (bx + lean, y - hh)
        pen.line([(bx, y + 6), (bx + lean * 0.35, y - hh * 0.5), tip], stalk, 3)
        if rng.random() < 0.4:
            pen.ellipse(tip[0], tip[1] + 10, 4.5, 13, (120, 84, 62), INK, 1.5)


def draw_pines(pen: Pen, rng: random.Random, y: float, x0: float, x1: float, count: int = 6,
               height: float = 160, tone: str = "near") -> None:
    """Draw pine trees as stacked triangles standing on the line y."""
    for i in range(count):
        x = x0 + (x1 - x0) * (i + rng.uniform(0.2, 0.8)) / count
        h = height * rng.uniform(0.7, 1.15)
        color = mix(pen.color(tone), INK, rng.uniform(0.1, 0.4))
        for k in range(3):
            top, base = y - h + k * h * 0.22, y - h * (0.5 - k * 0.2)
            half = h * (0.2 + k * 0.08)
            pen.poly([(x, top), (x + half, base), (x - half, base)], color)


def draw_house(pen: Pen, rng: random.Random, x: float, y: float, w: float, lit: bool = True,
               tone: str = "near", inside: str | None = None) -> None:
    """Draw a small tiled-roof house standing at (x, y), with a lit window and maybe someone in it."""
    wall_h, roof = w * 0.5, mix(pen.color(tone), INK, 0.45)
    wall = mix(pen.color(tone), (206, 186, 160), 0.35)
    if lit:
        pen.glow(x - w * 0.15, y - wall_h * 0.5, w * 0.9, pen.pal.light, 0.35)
    pen.rect(x - w * 0.42, y - wall_h, x + w * 0.42, y, wall, INK)
    win = (x - w * 0.36, y - wall_h * 0.86, x + w * 0.04, y - wall_h * 0.2) if inside else \
        (x - w * 0.28, y - wall_h * 0.72, x - w * 0.04, y - wall_h * 0.3)
    pen.rect(*win, pen.pal.light if lit else mix(wall, INK, 0.5), INK, 1.5)
    if inside:
        with pen.clip(*win) as room:
            tall = win[3] - win[1]
            u = tall / 48  # big enough that head and shoulders fill the window
            draw_person(room, rng, inside, (win[0] + win[2]) / 2, win[1] + tall * 0.45 + 80 * u, 100 * u, "right",
                        eyes="smile")
        pen.rect(*win, None, (110, 80, 60), 6)
    pen.rect(x + w * 0.1, y - wall_h * 0.75, x + w * 0.28, y, mix(wall, INK, 0.55), INK, 1.5)
    ey = y - wall_h
    # the upturned eaves are what make it read as a hanok and not a shed
    pen.poly([(x - w * 0.64, ey - w * 0.08), (x - w * 0.48, ey + 3), (x + w * 0.48, ey + 3),
              (x + w * 0.64, ey - w * 0.08), (x + w * 0.4, ey - w * 0.3), (x - w * 0.4, ey - w * 0.3)],
             roof, INK)


def draw_buildings(pen: Pen, rng: random.Random, base: float, low: float, high: float,
                   tone: str | Color = "far", lit: float = 0.35, cell: float = 16, neon: bool = False,
                   shops: bool = False) -> None:
    """Draw a row of city blocks on the line base, heights between low and high."""
    x0, _, x1, _ = pen.box
    x = x0 - rng.uniform(0, 40)
    outline = None if tone == "far" else INK
    while x < x1:
        bw, bh = rng.uniform(70, 140), rng.uniform(low, high)
        body = mix(pen.color(tone), INK, rng.uniform(0.0, 0.25))
        pen.rect(x, base - bh, x + bw, base + 20, body, outline)
        if rng.random() < 0.35:
            pen.line([(x + bw * 0.3, base - bh), (x + bw * 0.3, base - bh - 30)], body, 2)
        for wy in range(int(base - bh + 14), int(base - (150 if shops else 12)), int(cell)):
            for wx in range(int(x + 10), int(x + bw - 12), int(cell)):
                if rng.random() < lit:
                    glint = mix(pen.pal.light, (255, 255, 255), rng.uniform(0, 0.5))
                    pen.rect(wx, wy, wx + cell * 0.45, wy + cell * 0.55, glint, width=0)
        if shops:
            awning = rng.choice(((200, 70, 70), (60, 140, 130), (220, 160, 60)))
            pen.glow(x + bw / 2, base - 50, bw * 0.9, pen.pal.light, 0.4)
            pen.rect(x + 10, base - 96, x + bw - 10, base - 4, mix(pen.pal.light, (255, 255, 255), 0.3), INK, 2)
            pen.line([(x + bw / 2, base - 96), (x + bw / 2, base - 4)], INK, 2)
            # striped awning: alternate the colour with white, like a shop's canvas
            stripes = 6
            for k in range(stripes):
                a, b = x - 4 + (bw + 8) * k / stripes, x - 4 + (bw + 8) * (k + 1) / stripes
                pen.poly([(a + 6, base - 126), (b + 6, base - 126), (b, base - 100), (a, base - 100)],
                         awning if k % 2 == 0 else (246, 240, 228))
            pen.poly([(x + 2, base - 126), (x + bw + 10, base - 126), (x + bw + 4, base - 100), (x - 4, base - 100)],
                     None, INK, 2)
        if neon and rng.random() < 0.5:
            glow = rng.choice(((255, 110, 170), (90, 230, 220), (255, 200, 90)))
            sy = base - bh * rng.uniform(0.4, 0.8)
            pen.glow(x + bw / 2, sy + 40, 90, glow, 0.4)
            pen.rect(x + bw / 2 - 12, sy, x + bw / 2 + 12, sy + 80, mix(glow, (255, 255, 255), 0.4), INK, 2, 4)
        x += bw + rng.uniform(-12, 6)


def draw_room(pen: Pen, rng: random.Random, wall: str = "home", floor: float | None = None) -> None:
    """Fill the frame with an interior wall and a floor from y=floor down."""
    x0, y0, x1, y1 = pen.box
    top, bottom, floor_color = WALLS[wall]
    pen.gradient(x0, y0, x1, y1, (top, bottom))
    if floor is not None:
        pen.gradient(x0, floor, x1, y1, (floor_color, mix(floor_color, INK, 0.35)))
        pen.line([(x0, floor), (x1, floor)], INK, 3)


VIEWS: dict[str, str] = {"night": "night", "fields": "train", "city": "city", "dawn": "morning"}


def draw_window(pen: Pen, rng: random.Random, x0: float, y0: float, x1: float, y1: float,
                view: str = "night", frame: Color = (116, 82, 60), panes: bool = True) -> None:
    """Draw a window frame with an outdoor view inside it."""
    w, h = x1 - x0, y1 - y0
    with pen.clip(x0, y0, x1, y1, mood=VIEWS[view]) as out:
        draw_night_sky(out, rng)
        draw_stars(out, rng, count=int(w * h / 2500))
        if view in ("night", "fields"):
            draw_moon(out, rng, x0 + w * 0.72, y0 + h * 0.28, min(w, h) * 0.09)
            draw_hills(out, rng, y0 + h * 0.8, h * 0.25, "far", outline=False)
            draw_hills(out, rng, y0 + h * 0.95, h * 0.15, "near", outline=False)
        else:
            draw_buildings(out, rng, y1, h * 0.25, h * 0.6, "far", cell=12)
            draw_buildings(out, rng, y1 + 10, h * 0.1, h * 0.35, "near", lit=0.5, cell=12)
        if view == "fields":
            draw_speed_lines(out, rng, y0 + h * 0.55, y1, 10)
    pen.rect(x0, y0, x1, y1, None, frame, 12)
    pen.rect(x0 - 6, y0 - 6, x1 + 6, y1 + 6, None, INK, 2)
    if panes:
        pen.line([((x0 + x1) / 2, y0), ((x0 + x1) / 2, y1)], frame, 8)
        pen.line([(x0, y0 + h * 0.45), (x1, y0 + h * 0.45)], frame, 8)


def draw_lamp(pen: Pen, rng: random.Random, x: float, y: float, kind: str = "hanging", r: float = 260) -> None:
    """Draw a hanging lamp or a desk lamp at (x, y) with its pool of light."""
    light = pen.pal.light
    pen.glow(x, y + 10, r, light, 0.45)
    if kind == "hanging":
        pen.line([(x, pen.box[1]), (x, y - 20)], INK, 2)
        pen.poly([(x - 12, y - 22), (x + 12, y - 22), (x + 34, y + 6), (x - 34, y + 6)], (198, 120, 70), INK)
        pen.ellipse(x, y + 8, 12, 6, (255, 240, 200))
    else:  # desk lamp: y is the desk top
        pen.ellipse(x, y - 4, 26, 7, (60, 80, 70), INK)
        pen.line([(x, y - 6), (x + 10, y - 80), (x + 44, y - 110)], (60, 80, 70), 5)
        pen.poly([(x + 22, y - 128), (x + 58, y - 118), (x + 74, y - 80), (x + 30, y - 96)], (70, 110, 92), INK)


def draw_block(pen: Pen, rng: random.Random, x0: float, y0: float, x1: float, y1: float,
               color: str | Color = "near", radius: float = 0, outline: bool = True) -> None:
    """Draw a plain solid shape: a table top, a seat, a counter, a wall."""
    pen.rect(x0, y0, x1, y1, pen.color(color), INK if outline else None, radius=radius)


def draw_glow(pen: Pen, rng: random.Random, x: float, y: float, r: float, color: str | Color = "light",
              strength: float = 0.5) -> None:
    """Add a soft pool of light."""
    pen.glow(x, y, r, pen.color(color), strength)


def draw_boat(pen: Pen, rng: random.Random, x: float, y: float, w: float) -> None:
    """Draw a small wooden boat whose gunwale is at height y."""
    wood = (122, 84, 56)
    pen.glow(x, y + w * 0.14, w * 0.7, pen.pal.water[1], 0.5)
    pen.poly([(x - w / 2, y - 16), (x - w * 0.35, y), (x + w * 0.35, y), (x + w / 2, y - 12),
              (x + w * 0.38, y + w * 0.1), (x, y + w * 0.14), (x - w * 0.38, y + w * 0.1)], wood, INK, 3)
    pen.line([(x - w * 0.44, y + w * 0.03), (x, y + w * 0.07), (x + w * 0.44, y + w * 0.03)], mix(wood, INK, 0.4), 2)
    ripple = mix(pen.pal.water[0], pen.pal.star, 0.4)
    for side in (-1, 1):  # ripples spreading from the hull
        pen.arc(x + side * w * 0.55, y + w * 0.13, w * 0.12, w * 0.02, 0, 180, ripple, 2)


def draw_platform(pen: Pen, rng: random.Random, y: float) -> None:
    """Draw a station platform whose edge is the line y."""
    x0, _, x1, y1 = pen.box
    stone = mix((170, 160, 170), pen.pal.near, 0.45)
    pen.gradient(x0, y, x1, y1, (stone, mix(stone, INK, 0.3)))
    pen.rect(x0 - 5, y, x1 + 5, y + 10, (236, 196, 80), INK, 2)


def draw_lamp_post(pen: Pen, rng: random.Random, x: float, y: float, h: float) -> None:
    """Draw a lamp post standing at (x, y) with its light h above the ground."""
    pen.glow(x, y - h, h * 0.65, pen.pal.light, 0.55)
    pen.rect(x - 5, y - h, x + 5, y, (52, 48, 66), INK, 2)
    pen.poly([(x - 22, y - h - 8), (x + 22, y - h - 8), (x + 12, y - h - 34), (x - 12, y - h - 34)], (52, 48, 66), INK)
    pen.ellipse(x, y - h - 4, 14, 8, (255, 240, 196))


def draw_bench(pen: Pen, rng: random.Random, x: float, y: float, w: float) -> None:
    """Draw a wooden bench standing at (x, y)."""
    wood = (134, 90, 60)
    for dx in (-0.4, 0.4):
        pen.rect(x + dx * w - 4, y - 46, x + dx * w + 4, y, (60, 50, 56), INK, 1.5)
    pen.rect(x - w / 2, y - 100, x + w / 2, y - 84, wood, INK, 2, 3)
    pen.rect(x - w / 2, y - 76, x + w / 2, y - 62, wood, INK, 2, 3)
    pen.rect(x - w / 2 - 6, y - 50, x + w / 2 + 6, y - 38, wood, INK, 2, 3)


def draw_rails(pen: Pen, rng: random.Random, vx: float, vy: float, spread: float = 380) -> None:
    """Draw rails running from the bottom of the frame to a vanishing point."""
    x0, _, x1, y1 = pen.box
    cx = (x0 + x1) / 2
    pen.poly([(cx - spread * 0.75, y1), (cx + spread * 0.75, y1), (vx + 6, vy), (vx - 6, vy)],
             mix(pen.pal.ground, (120, 110, 110), 0.3))
    for i in range(1, 14):  # sleepers bunch up with distance
        t = (i / 14) ** 2
        y = vy + (y1 - vy) * t
        half = spread / 2 * t + 4
        mid = vx + (cx - vx) * t
        pen.line([(mid - half * 1.2, y), (mid + half * 1.2, y)], (92, 70, 60), 2 + 8 * t)
    for side in (-1, 1):
        pen.line([(cx + side * spread / 2, y1), (vx + side * 3, vy)], (200, 196, 210), 4)


def draw_train_front(pen: Pen, rng: random.Random, x: float, y: float, size: float) -> None:
    """Draw a locomotive coming head-on, its base centred at (x, y)."""
    body, stripe = (150, 42, 54), (244, 226, 190)
    pen.glow(x, y - size * 0.35, size * 2.4, pen.pal.light, 0.55)
    pen.rect(x - size / 2, y - size * 1.1, x + size / 2, y, body, INK, 3, size * 0.16)
    pen.rect(x - size * 0.38, y - size * 0.98, x + size * 0.38, y - size * 0.62, (40, 50, 86), INK, 2, size * 0.06)
    pen.line([(x - size * 0.3, y - size * 0.7), (x - size * 0.1, y - size * 0.92)], (120, 140, 190), 3)
    pen.rect(x - size / 2, y - size * 0.48, x + size / 2, y - size * 0.4, stripe, INK, 2)
    pen.circle(x, y - size * 0.24, size * 0.09, (255, 250, 220), INK, 2)
    pen.glow(x, y - size * 0.24, size * 0.8, (255, 250, 220), 0.7)


def draw_train(pen: Pen, rng: random.Random, x: float, y: float, cars: int = 4, car_w: float = 170,
               car_h: float = 70) -> None:
    """Draw a train in profile running left from x, wheels on the line y."""
    body, stripe, roof = (146, 40, 54), (240, 222, 186), (84, 30, 44)
    pen.line([(pen.box[0], y), (pen.box[2], y)], (150, 146, 160), 3)
    for i in range(cars + 1):
        left = x + i * (car_w + 10)
        top = y - car_h - 10
        if i == 0:  # the engine's rounded nose points the way the train is going
            pen.glow(left - 10, y - car_h * 0.4, car_h * 2.2, pen.pal.light, 0.45)
            pen.rect(left - 18, top, left + car_w, y - 10, body, INK, 2, car_h * 0.45)
        else:
            pen.line([(left - 10, y - car_h * 0.45), (left, y - car_h * 0.45)], INK, 4)
            pen.rect(left, top, left + car_w, y - 10, body, INK, 2, 8)
        pen.rect(left + 6, top - 6, left + car_w - 6, top + 4, roof, INK, 1.5, 4)
        pen.rect(left, y - car_h * 0.32, left + car_w, y - car_h * 0.22, stripe, None)
        for wx in range(int(left + 16 + (30 if i == 0 else 0)), int(left + car_w - 20), 28):
            pen.rect(wx, top + car_h * 0.18, wx + 18, top + car_h * 0.5, pen.pal.light, INK, 1.2, 3)
        for wheel in (left + car_w * 0.18, left + car_w * 0.82):
            pen.circle(wheel, y - 6, 7, (50, 44, 56), INK, 1.5)


def draw_bridge(pen: Pen, rng: random.Random, y: float, span: float = 150) -> None:
    """Draw a stone viaduct whose deck runs along y, its arches standing in the valley."""
    x0, _, x1, y1 = pen.box
    stone = mix(pen.pal.near, (150, 140, 160), 0.25)
    x = x0 - rng.uniform(0, span)
    while x < x1:
        pen.rect(x - 14, y, x + 14, y1 + 10, stone, INK, 2)
        pen.arc(x + span / 2, y + span * 0.55, span / 2 - 14, span * 0.4, 180, 360, stone, 12)
        x += span
    pen.rect(x0 - 5, y, x1 + 5, y + 22, stone, INK, 2)


def draw_carriage(pen: Pen, rng: random.Random, x0: float, y0: float, x1: float, y1: float,
                  door: tuple[float, float]) -> None:
    """Draw the side of a carriage close up, with an open, lit door between door[0] and door[1]."""
    body, stripe = (146, 40, 54), (240, 222, 186)
    pen.rect(x0, y0, x1, y1, body, INK, 3, 24)
    pen.rect(x0, y1 - 130, x1, y1 - 110, stripe, INK, 2)
    for wx in range(int(x0 + 20), int(x1 - 60), 130):
        if wx + 90 < door[0] or wx > door[1]:
            pen.rect(wx, y0 + 60, wx + 90, y0 + 200, pen.pal.light, INK, 2, 10)
    pen.rect(door[0], y0 + 40, door[1], y1, mix(pen.pal.light, (160, 110, 70), 0.35), INK, 3, 8)


def draw_tunnel(pen: Pen, rng: random.Random, x: float, y: float) -> None:
    """Draw the rings of a tunnel shrinking towards a bright opening at (x, y)."""
    x0, y0, x1, y1 = pen.box
    pen.gradient(x0, y0, x1, y1, ((20, 16, 30), (36, 28, 44)))
    pen.glow(x, y, 200, (255, 236, 190), 0.8)
    pen.ellipse(x, y, 34, 40, (255, 246, 220))
    for i in range(12, 0, -1):
        r = 40 * 1.32 ** i
        pen.ellipse(x, y + r * 0.25, r, r * 1.05, None, mix((20, 16, 30), (120, 100, 110), 1 - i / 12), 2 + i * 0.4)
    draw_rails(pen, rng, x, y + 36, 340)


def draw_speed_lines(pen: Pen, rng: random.Random, y0: float, y1: float, count: int = 20) -> None:
    """Draw horizontal streaks that say the world outside is rushing past."""
    x0, _, x1, _ = pen.box
    for _ in range(count):
        y, length = rng.uniform(y0, y1), rng.uniform(60, 260)
        start = rng.uniform(x0 - 40, x1)
        pen.line([(start, y), (start + length, y)], mix(pen.pal.star, pen.pal.sky[-1], 0.4), rng.uniform(1, 3))


def draw_hall(pen: Pen, rng: random.Random, floor: float) -> None:
    """Draw a station hall: a vaulted glass roof, hanging lamps and a stone floor from y=floor."""
    x0, y0, x1, y1 = pen.box
    pen.gradient(x0, y0, x1, floor, ((30, 46, 76), (86, 98, 126)))
    cx = (x0 + x1) / 2
    for i in range(7):  # ribs of the vault, nearer ones wider and higher
        rx = (x1 - x0) * (0.3 + 0.12 * i)
        pen.arc(cx, floor, rx, (floor - y0) * (0.5 + 0.09 * i), 180, 360, (150, 160, 186), 3 + i * 0.6)
    for gx in range(int(x0) + 40, int(x1), 80):
        pen.line([(gx, y0), (cx + (gx - cx) * 0.7, floor - 160)], (112, 124, 154), 1.5)
    pen.gradient(x0, floor, x1, y1, ((120, 112, 118), (74, 68, 80)))
    for lx in range(int(x0) + 90, int(x1), 160):
        draw_lamp(pen, rng, lx, floor - 240, "hanging", 140)


def draw_crowd(pen: Pen, rng: random.Random, y: float, x0: float, x1: float, count: int = 10,
               h: float = 170) -> None:
    """Draw passers-by as soft silhouettes standing on the line y."""
    for i in range(count):
        x = x0 + (x1 - x0) * (i + rng.uniform(0.1, 0.9)) / count
        hh = h * rng.uniform(0.85, 1.1)
        shade = mix(pen.pal.near, pen.pal.light, rng.uniform(0.05, 0.25))
        pen.rect(x - hh * 0.14, y - hh * 0.72, x + hh * 0.14, y, shade, radius=hh * 0.1)
        pen.circle(x, y - hh * 0.84, hh * 0.12, shade)


def draw_shelves(pen: Pen, rng: random.Random, x0: float, y0: float, x1: float, y1: float, rows: int = 3) -> None:
    """Draw bakery shelves full of loaves."""
    wood, crust = (150, 100, 60), ((214, 150, 80), (190, 120, 60), (232, 180, 100))
    pen.rect(x0, y0, x1, y1, mix(wood, INK, 0.35), INK, 3)
    for r in range(rows):
        sy = y0 + (y1 - y0) * (r + 1) / rows
        x = x0 + 14
        while x < x1 - 60:
            lw = rng.uniform(46, 70)
            c = rng.choice(crust)
            pen.ellipse(x + lw / 2, sy - 22, lw / 2, 20, c, INK, 2)
            for k in (-0.25, 0.05, 0.35):
                pen.line([(x + lw * (0.5 + k) - 6, sy - 30), (x + lw * (0.5 + k) + 4, sy - 18)], mix(c, INK, 0.35), 2)
            x += lw + 8
        pen.rect(x0, sy - 4, x1, sy + 6, wood, INK, 2)


def draw_paper(pen: Pen, rng: random.Random, x: float, y: float, w: float, h: float, angle: float = -6,
               lines: int = 10, written: int = 6) -> None:
    """Draw a sheet of lined letter paper, turned by angle, with written lines as handwriting."""
    a = math.radians(angle)

    def at(u: float, v: float) -> Point:
        return x + u * math.cos(a) - v * math.sin(a), y + u * math.sin(a) + v * math.cos(a)

    pen.poly([at(-w / 2 + 8, -h / 2 + 10), at(w / 2 + 8, -h / 2 + 10), at(w / 2 + 8, h / 2 + 10),
              at(-w / 2 + 8, h / 2 + 10)], (60, 40, 40))
    pen.poly([at(-w / 2, -h / 2), at(w / 2, -h / 2), at(w / 2, h / 2), at(-w / 2, h / 2)], (250, 246, 232), INK)
    for i in range(lines):
        v = -h / 2 + h * (i + 1.5) / (lines + 1)
        pen.line([at(-w / 2 + 20, v), at(w / 2 - 20, v)], (176, 196, 226), 1.5)
        if i < written:  # handwriting: a wobbly line sitting on the ruled line
            end = w / 2 - 40 - (rng.uniform(60, 160) if i == written - 1 else rng.uniform(0, 30))
            pts = [at(u, v - 8 + 5 * math.sin(u * 0.35 + i)) for u in range(int(-w / 2 + 40), int(end), 6)]
            pen.line(pts, (44, 56, 110), 2)


def draw_letter_box(pen: Pen, rng: random.Random, x: float, y: float, w: float, h: float) -> None:
    """Draw an open wooden box of letters, its front's top centre at (x, y)."""
    wood = (150, 96, 58)
    # the open lid leans back, so it is drawn first and its far edge sits higher than the box
    pen.poly([(x - w / 2 + 6, y - h * 0.1), (x + w / 2 - 6, y - h * 0.1), (x + w / 2 + 14, y - h * 0.75),
              (x - w / 2 - 14, y - h * 0.75)], wood, INK)
    pen.poly([(x - w / 2 + 26, y - h * 0.18), (x + w / 2 - 26, y - h * 0.18), (x + w / 2 - 8, y - h * 0.66),
              (x - w / 2 + 8, y - h * 0.66)], mix(wood, INK, 0.2), INK, 1.5)
    pen.rect(x - w / 2 + 8, y - h * 0.12, x + w / 2 - 8, y, mix(wood, INK, 0.55), INK, 2)
    for i in range(5):  # the stack of letters peeking over the rim
        ex = x - w * 0.36 + i * w * 0.15 + rng.uniform(-6, 6)
        ey = y - h * 0.2 - rng.uniform(0, 30)
        pen.rect(ex, ey, ex + w * 0.26, ey + h * 0.5, (250, 242, 222), INK, 2)
        pen.line([(ex, ey), (ex + w * 0.13, ey + h * 0.14), (ex + w * 0.26, ey)], (170, 150, 130), 1.5)
    pen.rect(x - w / 2, y, x + w / 2, y + h, wood, INK, 3)
    pen.rect(x - w * 0.08, y + h * 0.2, x + w * 0.08, y + h * 0.34, (210, 180, 90), INK, 2)


def draw_star_arc(pen: Pen, rng: random.Random, x0: float, y0: float, x1: float, y1: float, bend: float = 200,
                  count: int = 60) -> None:
    """Draw a river of stars curving from (x0, y0) to (x1, y1)."""
    mx, my = (x0 + x1) / 2 + bend, (y0 + y1) / 2 - bend * 0.3
    for i in range(count):
        t = i / (count - 1)
        bx = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * mx + t * t * x1
        by = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * my + t * t * y1
        sx, sy = bx + rng.gauss(0, 16), by + rng.gauss(0, 16)
        pen.circle(sx, sy, rng.choice((1.2, 1.8, 2.6)), pen.pal.star, width=0)
        if i % 9 == 0:
            pen.glow(sx, sy, 26, pen.pal.light, 0.45)


LAYERS: dict[str, Callable[..., None]] = {
    "sky": draw_night_sky, "stars": draw_stars, "moon": draw_moon, "mountains": draw_mountains,
    "hills": draw_hills, "ground": draw_ground, "river": draw_river, "path": draw_path, "reeds": draw_reeds,
    "pines": draw_pines, "house": draw_house, "buildings": draw_buildings, "room": draw_room,
    "window": draw_window, "lamp": draw_lamp, "block": draw_block, "glow": draw_glow, "lantern": draw_lantern,
    "boat": draw_boat, "platform": draw_platform, "lamp_post": draw_lamp_post, "bench": draw_bench,
    "rails": draw_rails, "train_front": draw_train_front, "train": draw_train, "bridge": draw_bridge,
    "carriage": draw_carriage, "tunnel": draw_tunnel, "speed_lines": draw_speed_lines, "hall": draw_hall,
    "crowd": draw_crowd, "shelves": draw_shelves, "paper": draw_paper, "hand": draw_hand,
    "letter_box": draw_letter_box, "star_arc": draw_star_arc, "person": draw_person,
}
