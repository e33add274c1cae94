"""The characters of the demo comic, and the things they hold, built from circles and lines."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from comics.demo.pen import INK, LINE, Color, Pen, Point, mix


@dataclass(frozen=True)
class Look:
    """How one character is drawn."""

    skin: Color
    hair: Color
    hair_style: str  # "bob", "bun", "curly" or "short"
    coat: Color
    trousers: Color
    scarf: Color | None = None
    hat: str | None = None  # "straw", "cap" or "chef"
    apron: Color | None = None


CAST: dict[str, Look] = {
    "mirae": Look((250, 216, 190), (36, 30, 46), "bob", (62, 98, 164), (52, 50, 72), scarf=(214, 62, 60)),
    "grandmother": Look((238, 202, 172), (200, 200, 210), "bun", (128, 90, 150), (86, 70, 100)),
    "ferryman": Look((222, 178, 142), (60, 52, 50), "short", (118, 96, 72), (70, 60, 52), hat="straw"),
    "conductor": Look((236, 194, 160), (40, 34, 36), "short", (40, 58, 112), (34, 40, 70), hat="cap"),
    "passenger": Look((240, 204, 176), (186, 184, 196), "curly", (72, 134, 104), (70, 70, 80), scarf=(232, 176, 70)),
    "baker": Look((244, 204, 170), (70, 50, 40), "short", (232, 232, 226), (70, 70, 80), hat="chef",
                  apron=(214, 120, 90)),
}


# Where the acting hand goes, relative to the shoulders, in hundredths of the figure's height.
HANDS: dict[str, tuple[float, float]] = {
    "down": (17, 32), "forward": (22, 22), "up": (20, -22), "offer": (36, 8), "point": (36, -6),
}


def draw_person(pen: Pen, rng: random.Random, who: str, x: float, y: float, h: float, facing: str = "front",
                pose: str = "stand", arm: str = "down", hold: str | None = None, mouth: str = "smile",
                eyes: str = "open") -> None:
    """Draw a character h tall with feet (or seat, if pose="sit") at (x, y)."""
    look, u = CAST[who], h / 100
    side = -1 if facing == "left" else 1  # the hand that acts
    waist = y if pose == "sit" else y - 24 * u
    shoulder = waist - 38 * u
    if arm in ("both", "chin"):  # both hands together, in the lap or raised to the chin
        lift = 20.0 if arm == "both" else 2.0
        hands = [(x - 6 * u, shoulder + lift * u), (x + 6 * u, shoulder + lift * u)]
    else:
        dx, dy = HANDS[arm]
        hands = [(x + side * dx * u, shoulder + dy * u), (x - side * 17 * u, shoulder + 32 * u)]
    if facing == "back" and hold:  # held in front, so the body hides part of it
        draw_held(pen, rng, hold, hands, u)
    if pose != "sit":
        for s in (-1, 1):
            foot = (x + s * (10 if pose == "walk" else 5) * u, y - 2 * u)
            pen.line([(x + s * 5 * u, waist - 2 * u), foot], INK, 7 * u + 2 * LINE)
            pen.line([(x + s * 5 * u, waist - 2 * u), foot], look.trousers, 7 * u)
            pen.ellipse(foot[0] + s * 1.5 * u, y - 1.5 * u, 5 * u, 3 * u, (56, 44, 46), INK)
    pen.poly([(x - 10 * u, shoulder), (x + 10 * u, shoulder), (x + 15 * u, shoulder + 6 * u), (x + 18 * u, waist),
              (x - 18 * u, waist), (x - 15 * u, shoulder + 6 * u)], look.coat, INK)
    if look.apron and facing != "back":
        pen.rect(x - 11 * u, shoulder + 12 * u, x + 11 * u, waist, look.apron, INK, radius=3 * u)
    for hx, hy in hands:
        sx = x + (1 if hx > x else -1) * 12 * u
        elbow = ((sx + hx) / 2 + (4 * u if hx > x else -4 * u), (shoulder + hy) / 2 + 4 * u)
        pen.line([(sx, shoulder + 5 * u), elbow, (hx, hy)], INK, 7 * u + 2 * LINE)
        pen.line([(sx, shoulder + 5 * u), elbow, (hx, hy)], look.coat, 7 * u)
    if look.scarf:
        pen.rect(x - 11 * u, shoulder - 4 * u, x + 11 * u, shoulder + 4 * u, look.scarf, INK, radius=4 * u)
        if facing != "back":
            pen.poly([(x + 3 * u, shoulder + 2 * u), (x + 9 * u, shoulder + 2 * u), (x + 10 * u, shoulder + 16 * u),
                      (x + 5 * u, shoulder + 15 * u)], look.scarf, INK)
    else:
        pen.rect(x - 4 * u, shoulder - 6 * u, x + 4 * u, shoulder + 2 * u, look.skin, INK)
    draw_head(pen, look, x + {"left": -1.5, "right": 1.5}.get(facing, 0) * u, shoulder - 18 * u, u, facing, mouth, eyes)
    if facing != "back" and hold:
        draw_held(pen, rng, hold, hands, u)
    for hx, hy in hands:
        pen.circle(hx, hy, 3.8 * u, look.skin, INK)


def draw_head(pen: Pen, look: Look, cx: float, cy: float, u: float, facing: str, mouth: str, eyes: str) -> None:
    """Draw a head: hair behind, face, features, fringe or hat."""
    turn = {"left": -1, "right": 1}.get(facing, 0)
    if look.hair_style == "bob":
        pen.rect(cx - 17 * u, cy - 17 * u, cx + 17 * u, cy + 13 * u, look.hair, INK, radius=13 * u)
    elif look.hair_style == "bun":
        pen.circle(cx - turn * 5 * u, cy - 16 * u, 7 * u, look.hair, INK)
    elif look.hair_style == "curly":
        for k in range(9):
            t = math.pi * (0.95 + k * 1.1 / 8)
            pen.circle(cx + 14 * u * math.cos(t), cy - 2 * u + 15 * u * math.sin(t), 5.5 * u, look.hair, INK)
    else:
        pen.ellipse(cx, cy - 1 * u, 15.5 * u, 16 * u, look.hair, INK)
    if facing == "back":
        pen.ellipse(cx, cy, 15.5 * u, 16 * u, look.hair, INK)
    else:
        pen.ellipse(cx, cy, 14 * u, 15 * u, look.skin, INK)
        draw_face(pen, cx + turn * 4 * u, cy, u, turn, mouth, eyes)
        fringe = cx + turn * 1.5 * u
        if look.hair_style == "bob":
            pen.chord((fringe - 15.5 * u, cy - 17.5 * u, fringe + 15.5 * u, cy + 6 * u), 180, 360, look.hair)
        elif look.hair_style == "curly":  # a permed fringe of little curls
            for k in range(5):
                pen.circle(fringe + (k - 2) * 5.5 * u, cy - 12 * u + abs(k - 2) * 1.5 * u, 4.5 * u, look.hair, INK)
        else:
            pen.chord((fringe - 15 * u, cy - 16.5 * u, fringe + 15 * u, cy + 1 * u), 180, 360, look.hair)
    if look.hat == "straw":
        pen.poly([(cx - 32 * u, cy - 6 * u), (cx, cy - 30 * u), (cx + 32 * u, cy - 6 * u)], (214, 180, 112), INK)
        pen.line([(cx - 14 * u, cy - 17 * u), (cx + 14 * u, cy - 17 * u)], (150, 110, 60), 1.5 * u)
    elif look.hat == "cap":
        pen.rect(cx - 15 * u, cy - 22 * u, cx + 15 * u, cy - 8 * u, look.coat, INK, radius=5 * u)
        pen.ellipse(cx + turn * 8 * u, cy - 8 * u, 12 * u, 3 * u, mix(look.coat, INK, 0.4), INK)
        pen.circle(cx, cy - 15 * u, 2.4 * u, (236, 196, 80), INK, 1.5)
    elif look.hat == "chef":
        for dx, dy, r in ((-9, -25, 9), (9, -25, 9), (0, -30, 10)):
            pen.circle(cx + dx * u, cy + dy * u, r * u, (252, 252, 248), INK)
        pen.rect(cx - 14 * u, cy - 22 * u, cx + 14 * u, cy - 11 * u, (252, 252, 248), INK, radius=2 * u)


def draw_face(pen: Pen, fx: float, cy: float, u: float, turn: int, mouth: str, eyes: str) -> None:
    """Draw eyes, blush and mouth around the face's centre line fx."""
    gap = 5.5 * u if turn == 0 else 4.8 * u
    look_up = -1.5 * u if eyes == "up" else 0.0
    for s in (-1, 1):
        ex, ey = fx + s * gap, cy + 1.5 * u
        pen.ellipse(ex, ey + 4.5 * u, 2.8 * u, 1.6 * u, (242, 156, 152), width=0)
        if eyes == "closed":
            pen.arc(ex, ey - 1 * u, 2.6 * u, 1.8 * u, 20, 160, INK, max(1.2, 0.9 * u))
        elif eyes == "smile":
            pen.arc(ex, ey + 1 * u, 2.6 * u, 2.0 * u, 200, 340, INK, max(1.2, 0.9 * u))
        else:
            pen.ellipse(ex, ey + look_up, 1.8 * u, 2.6 * u, INK, width=0)
            pen.circle(ex - 0.6 * u, ey + look_up - 0.9 * u, 0.65 * u, (255, 255, 255), width=0)
        if eyes == "worried":
            # inner ends raised: worry, not anger
            pen.line([(ex - s * 3 * u, ey - 6.5 * u), (ex + s * 1.5 * u, ey - 5 * u)], INK, max(1.2, 0.8 * u))
    my = cy + 8.5 * u
    if mouth == "open":
        pen.ellipse(fx, my, 2.2 * u, 2.6 * u, (160, 60, 70), INK, max(1.0, 0.6 * u))
    elif mouth == "flat":
        pen.line([(fx - 2 * u, my), (fx + 2 * u, my)], INK, max(1.2, 0.8 * u))
    else:
        pen.arc(fx, my - 1.5 * u, 3 * u, 2 * u, 20, 160, INK, max(1.2, 0.8 * u))


def draw_held(pen: Pen, rng: random.Random, hold: str, hands: list[Point], u: float) -> None:
    """Draw what a character holds at their acting hand (or between both hands)."""
    (hx, hy), (bx, by) = hands
    if hold in ("lantern", "lantern_unlit") and abs(hy - by) < 1:  # both hands: it rests in the lap
        draw_lantern(pen, rng, (hx + bx) / 2, hy - 8 * u, 20 * u, lit=hold == "lantern")
    elif hold in ("lantern", "lantern_unlit"):
        pen.line([(hx, hy), (hx, hy + 6 * u)], INK, max(1.5, 0.6 * u))
        draw_lantern(pen, rng, hx, hy + 5 * u, 20 * u, lit=hold == "lantern")
    elif hold == "tangerine":
        cx = (hx + bx) / 2 if abs(hy - by) < 1 else hx
        pen.circle(cx, hy - 3 * u, 6 * u, (250, 150, 40), INK)
        pen.ellipse(cx + 2 * u, hy - 9.5 * u, 2.5 * u, 1.2 * u, (70, 150, 70), INK, 1.2)
    elif hold == "ticket":
        pen.rect((hx + bx) / 2 - 7 * u, hy - 14 * u, (hx + bx) / 2 + 7 * u, hy - 2 * u, (246, 236, 200), INK, radius=u)
    elif hold == "letter":
        pen.rect((hx + bx) / 2 - 9 * u, hy - 11 * u, (hx + bx) / 2 + 9 * u, hy + 1 * u, (250, 244, 226), INK)
    elif hold == "oar":
        pen.line([(hx - 14 * u, hy - 34 * u), (hx + 20 * u, hy + 60 * u)], INK, 3 * u + 2 * LINE)
        pen.line([(hx - 14 * u, hy - 34 * u), (hx + 20 * u, hy + 60 * u)], (150, 110, 70), 3 * u)


def draw_lantern(pen: Pen, rng: random.Random, x: float, y: float, size: float, lit: bool = True,
                 glow: float = 0.55) -> None:
    """Draw the paper lantern, its top centre at (x, y) and size tall."""
    w = size * 0.72
    if lit:
        pen.glow(x, y + size / 2, size * 3.2, pen.pal.light, glow)
    paper = (255, 214, 140) if lit else (214, 196, 168)
    pen.arc(x, y - size * 0.05, w * 0.3, size * 0.22, 180, 360, INK, max(1.5, size * 0.03))
    pen.rect(x - w / 2, y + size * 0.1, x + w / 2, y + size * 0.92, paper, INK, max(1.5, size * 0.03), w * 0.3)
    if lit:
        pen.ellipse(x, y + size * 0.55, w * 0.16, size * 0.13, (255, 248, 214))
    rib = (206, 110, 60) if lit else (150, 120, 100)
    for dx in (-0.22, 0.0, 0.22):
        pen.line([(x + dx * w, y + size * 0.14), (x + dx * w * 1.25, y + size * 0.51), (x + dx * w, y + size * 0.88)],
                 rib, max(1.0, size * 0.018))
    cap = (150, 44, 48)
    pen.rect(x - w * 0.36, y + size * 0.02, x + w * 0.36, y + size * 0.14, cap, INK, max(1.5, size * 0.025), 2)
    pen.rect(x - w * 0.36, y + size * 0.88, x + w * 0.36, y + size, cap, INK, max(1.5, size * 0.025), 2)


def draw_hand(pen: Pen, rng: random.Random, x: float, y: float, size: float, angle: float = 200,
              hold: str = "pencil") -> None:
    """Draw a hand at (x, y) with a sleeve reaching in from the direction angle (degrees)."""
    a = math.radians(angle)
    far = (x + math.cos(a) * size * 4, y + math.sin(a) * size * 4)
    pen.line([far, (x + math.cos(a) * size * 0.9, y + math.sin(a) * size * 0.9)], INK, size * 1.3 + 5)
    pen.line([far, (x + math.cos(a) * size * 0.9, y + math.sin(a) * size * 0.9)], CAST["mirae"].coat, size * 1.3)
    if hold == "pencil":
        pen.line([(x - size * 0.6, y + size * 0.7), (x + size * 1.4, y - size * 1.5)], INK, size * 0.32 + 4)
        pen.line([(x - size * 0.6, y + size * 0.7), (x + size * 1.4, y - size * 1.5)], (240, 196, 70), size * 0.32)
        pen.line([(x - size * 0.6, y + size * 0.7), (x - size * 0.8, y + size * 0.95)], INK, size * 0.2)
    elif hold == "letter":
        pen.rect(x - size * 1.4, y - size * 1.2, x + size * 0.6, y + size * 0.1, (250, 244, 226), INK, 2)
    skin = CAST["mirae"].skin
    pen.ellipse(x, y, size * 0.7, size * 0.58, skin, INK)
    for k in (-0.3, 0.0, 0.3):  # knuckle creases make the blob read as a closed hand
        kx, ky = x + math.cos(a + math.pi) * size * 0.35 + math.cos(a + math.pi / 2) * k * size, \
            y + math.sin(a + math.pi) * size * 0.35 + math.sin(a + math.pi / 2) * k * size
        pen.arc(kx, ky, size * 0.12, size * 0.12, 0, 360, mix(skin, INK, 0.35), 1.2)
