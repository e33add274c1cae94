"""The script of the demo series "The Lantern Road": story text and panel layouts.

Everything a reader sees or hears is written here once: the lettering drawn
into each panel is the same text its transcript reports, so the two can never
drift apart. ``comics.demo_art`` turns these layouts into pictures.

The series and its artist, Haneul Kim, are fictional demo content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DESIGN_WIDTH = 800  # every coordinate below is in units of an 800-wide panel
INSET = 40  # side margin of a framed (not full-bleed) panel

Color = tuple[int, int, int]
Point = tuple[float, float]


@dataclass(frozen=True)
class TranscriptWords:
    """The words a transcript puts before each item of lettering, in one language."""

    caption: str
    letter: str
    sound: str
    title: str
    thinking: str  # follows a speaker's name, space included where the language wants one


# Korean follows docs/translating.md: a screen reader says these before each line of 대사 전문.
TRANSCRIPT_WORDS: dict[str, TranscriptWords] = {
    "en": TranscriptWords("Caption", "Letter", "Sound", "Title", " (thinking)"),
    "ko": TranscriptWords("해설", "편지", "효과음", "제목", "(속마음)"),
}


@dataclass(frozen=True)
class DemoEpisode:
    """One published episode: its text and an (alt text, transcript) pair per panel."""

    number: int
    title: str
    author_note: str
    panels: list[tuple[str, str]]


@dataclass(frozen=True)
class DemoSeries:
    """The demo series, ready to be loaded into the site."""

    slug: str
    title: str
    summary: str
    content_warning: str | None
    language: str
    artist_slug: str
    artist_name: str
    artist_bio_markdown: str
    episodes: list[DemoEpisode]


@dataclass(frozen=True)
class Layer:
    """One drawing step of a scene: the name of a layer in demo_art.LAYERS and its arguments."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)


def layer(name: str, **args: Any) -> Layer:
    """Describe one drawing step."""
    return Layer(name, args)


@dataclass(frozen=True)
class Caption:
    """A narration box with its top-left corner at (x, y)."""

    text: str
    x: float
    y: float
    width: float = 400
    style: str = "narration"  # or "letter"

    @property
    def transcript(self) -> str:
        """Return how a screen reader should hear it."""
        return self.transcript_in("en")

    def transcript_in(self, language: str) -> str:
        """Return how a screen reader should hear it, introduced in the language's words."""
        words = TRANSCRIPT_WORDS[language]
        return f"{words.letter if self.style == 'letter' else words.caption}: {self.text}"


@dataclass(frozen=True)
class Speech:
    """A speech (or thought) balloon centred at (x, y) whose tail points at the speaker."""

    speaker: str
    text: str
    x: float
    y: float
    tail: Point
    width: float = 280
    thought: bool = False

    @property
    def transcript(self) -> str:
        """Return how a screen reader should hear it."""
        return self.transcript_in("en")

    def transcript_in(self, language: str) -> str:
        """Return how a screen reader should hear it, introduced in the language's words."""
        return f"{self.speaker}{TRANSCRIPT_WORDS[language].thinking if self.thought else ''}: {self.text}"


@dataclass(frozen=True)
class Sfx:
    """A sound effect lettered into the art, centred at (x, y)."""

    text: str
    x: float
    y: float
    size: float = 80
    angle: float = 0
    color: Color = (255, 226, 120)

    @property
    def transcript(self) -> str:
        """Return how a screen reader should hear it."""
        return self.transcript_in("en")

    def transcript_in(self, language: str) -> str:
        """Return how a screen reader should hear it, introduced in the language's words."""
        return f"{TRANSCRIPT_WORDS[language].sound}: {self.text}"


@dataclass(frozen=True)
class Title:
    """A centred title in the gutter, with an optional kicker line ("Episode 1") above it."""

    text: str
    y: float
    kicker: str = ""

    @property
    def transcript(self) -> str:
        """Return how a screen reader should hear it."""
        return self.transcript_in("en")

    def transcript_in(self, language: str) -> str:
        """Return how a screen reader should hear it, introduced in the language's words."""
        return f"{TRANSCRIPT_WORDS[language].title}: {self.kicker + ': ' if self.kicker else ''}{self.text}"


Lettering = Caption | Speech | Sfx | Title


@dataclass(frozen=True)
class PanelScript:
    """One tall panel: a framed scene between white gutters, plus its lettering."""

    alt: str
    scene: tuple[Layer, ...]
    letters: tuple[Lettering, ...] = ()
    height: int = 1200
    top: int = 150  # white gutter above the frame
    bottom: int = 150  # white gutter below the frame
    bleed: bool = False  # full width, no side margins
    mood: str = "night"

    @property
    def frame(self) -> tuple[float, float, float, float]:
        """Return the picture's box inside the panel."""
        side = 0 if self.bleed else INSET
        return side, self.top, DESIGN_WIDTH - side, self.height - self.bottom

    @property
    def transcript(self) -> str:
        """Return all lettering in reading order, one item per line."""
        return self.transcript_in("en")

    def transcript_in(self, language: str) -> str:
        """Return all lettering in reading order, one item per line, introduced in the language's words."""
        return "\n".join(item.transcript_in(language) for item in self.letters)


@dataclass(frozen=True)
class EpisodeScript:
    """An episode as written: its text and its panels."""

    number: int
    title: str
    author_note: str
    panels: tuple[PanelScript, ...]


def night_backdrop(moon: tuple[float, float, float] | None, horizon: float, stars: int = 180,
                   ridge: tuple[float, float] | None = None) -> tuple[Layer, ...]:
    """Return sky, stars, moon and far mountains: the opening layers of most outdoor scenes."""
    layers = [layer("sky", horizon=horizon), layer("stars", count=stars, bottom=horizon)]
    if moon:
        layers.append(layer("moon", x=moon[0], y=moon[1], r=moon[2]))
    if ridge:
        layers.append(layer("mountains", y=ridge[0], amp=ridge[1], tone="far"))
    return tuple(layers)


def person(who: str, x: float, y: float, h: float, **look: Any) -> Layer:
    """Place a character with their feet (or seat) at (x, y)."""
    return layer("person", who=who, x=x, y=y, h=h, **look)


EPISODE_1 = EpisodeScript(
    1, "The River at Night",
    "I wanted the first night to feel quiet rather than frightening. The lantern is the one thing in "
    "the whole episode I drew in warm colours.",
    (
        PanelScript(
            "A night sky full of stars above dark mountains, with a round moon on the right. At the foot of "
            "the mountains, three small tiled-roof houses, two of them with lit windows, sit on a dark "
            "hillside, and a river glints between them and the mountains.",
            night_backdrop((590, 400, 60), 880, 220, (800, 330)) + (
                layer("mountains", y=880, amp=170, tone="near", peaks=5),
                layer("river", top=872, bottom=950, reflect=590),
                layer("hills", y=1010, amp=70, tone="ground"),
                layer("pines", y=1010, x0=560, x1=800, count=5, height=150),
                layer("house", x=170, y=1100, w=130),
                layer("house", x=330, y=1125, w=110),
                layer("house", x=500, y=1110, w=120, lit=False),
            ),
            (Title("The River at Night", 70, "Episode 1"),
             Caption("My grandmother used to say the river remembers every lantern that crosses it.",
                     40, 270, 400)),
            height=1280, top=230, bottom=90, bleed=True,
        ),
        PanelScript(
            "Inside a small room lit by a hanging lamp, Grandmother, who has grey hair tied in a bun, holds "
            "out a paper lantern to Mirae, a girl with short black hair, a blue coat and a red scarf. A "
            "window behind them shows the moon over the hills.",
            (
                layer("room", wall="home", floor=880),
                layer("window", x0=90, y0=260, x1=310, y1=500),
                layer("lamp", x=450, y=330, r=340),
                person("mirae", 230, 1010, 420, facing="right", mouth="open", eyes="open"),
                person("grandmother", 560, 1000, 460, facing="left", arm="offer", hold="lantern", eyes="smile"),
            ),
            (Speech("Grandmother", "Take it, Mirae. This lantern has always found the way.", 560, 240,
                    (560, 560), 300),),
        ),
        PanelScript(
            "Close-up of Mirae's face, lit from below by the lantern's warm glow. She looks worried.",
            (
                layer("room", wall="lantern"),
                layer("glow", x=400, y=1000, r=520, strength=0.55),
                person("mirae", 400, 1690, 1400, eyes="worried", mouth="open"),
            ),
            (Speech("Mirae", "But how will you find your way without it?", 210, 250, (300, 430), 260),
             Speech("Grandmother", "I know this road by heart.", 600, 960, (790, 1010), 240)),
            height=1150, top=140, bottom=160,
        ),
        PanelScript(
            "Seen from behind, Mirae walks down a winding path between pine trees toward the river. Her "
            "lantern makes a small circle of warm light in the dark, and the moon hangs over the mountains.",
            night_backdrop((630, 300, 48), 800, 160, (760, 260)) + (
                layer("river", top=790, bottom=860, reflect=630),
                layer("hills", y=880, amp=40, tone="ground"),
                layer("path", points=[(430, 1230, 260), (320, 1100, 150), (450, 980, 70), (400, 885, 24)]),
                layer("pines", y=1000, x0=0, x1=200, count=3, height=220),
                layer("pines", y=1060, x0=600, x1=800, count=3, height=240),
                person("mirae", 440, 1150, 210, facing="back", arm="forward", hold="lantern"),
            ),
            (Caption("We left before the moon was high.", 40, 170, 360),
             Caption("The path was steep, but the lantern showed me one step at a time.", 380, 1150, 380)),
            height=1280, top=130, bottom=60, bleed=True,
        ),
        PanelScript(
            "A close view of the paper lantern hanging from Mirae's hand. Its small flame glows orange inside "
            "the paper walls.",
            (
                layer("room", wall="lantern"),
                layer("hand", x=400, y=296, size=70, angle=270, hold="none"),
                layer("lantern", x=400, y=430, size=440),
            ),
            (Caption("The flame was small. So was I.", 60, 120, 420),
             Caption("We were both brave anyway.", 380, 900, 360)),
            height=1100, top=180, bottom=140,
        ),
        PanelScript(
            "Mirae stands at the edge of a wide, dark river. Moonlight makes a silver path across the water, "
            "and reeds grow along the bank.",
            night_backdrop((560, 300, 54), 600, 200, (610, 150)) + (
                layer("river", top=600, bottom=1000, reflect=560),
                layer("ground", points=[(-10, 980), (300, 960), (810, 1010)]),
                person("mirae", 300, 1010, 150, facing="right", arm="forward", hold="lantern", mouth="open"),
                layer("reeds", y=1110, x0=420, x1=800, count=22, height=140),
            ),
            (Speech("Mirae", "It's so wide...", 170, 790, (280, 870), 200),),
            height=1250, top=120, bottom=150, bleed=True,
        ),
        PanelScript(
            "An old ferryman in a wide straw hat stands in a small wooden boat by the shore, holding a long "
            "oar.",
            night_backdrop((150, 300, 40), 520, 120) + (
                layer("river", top=520),
                layer("ground", points=[(30, 900), (160, 930), (260, 1060)]),
                layer("reeds", y=1050, x0=40, x1=200, count=8, height=150),
                person("ferryman", 520, 930, 360, facing="left", arm="forward", hold="oar", mouth="open"),
                layer("boat", x=480, y=860, w=460),
            ),
            (Speech("Ferryman", "Climb in, little one. Keep your light low.", 290, 300, (470, 520), 300),),
        ),
        PanelScript(
            "The little boat crosses the middle of the river under a big moon. The ferryman rows at the back "
            "and Mirae sits at the front, holding the lantern low.",
            night_backdrop((400, 360, 70), 640, 220, (650, 160)) + (
                layer("river", top=640, reflect=400),
                person("mirae", 320, 925, 130, facing="right", pose="sit", arm="forward", hold="lantern"),
                person("ferryman", 520, 930, 170, facing="left", arm="forward", hold="oar", mouth="flat"),
                layer("boat", x=420, y=925, w=330),
            ),
            (Caption("No one spoke.", 460, 180, 300),
             Caption("The oar dipped, and dipped, and dipped.", 40, 1090, 440)),
            height=1280, top=140, bottom=120, bleed=True,
        ),
        PanelScript(
            "Mirae looks up at a sky crowded with stars, her face lit warmly from below by the lantern.",
            night_backdrop(None, 1000, 420) + (
                layer("glow", x=400, y=960, r=460, strength=0.55),
                person("mirae", 400, 1430, 900, eyes="up", mouth="open"),
            ),
            (Speech("Mirae", "Grandmother, can you see the same stars?", 400, 300, (420, 560), 320,
                    thought=True),),
            height=1150, top=140, bottom=170,
        ),
        PanelScript(
            "The boat reaches the far bank. Mirae steps onto the shore among tall reeds while the ferryman "
            "points up the road.",
            night_backdrop((640, 260, 40), 560, 140, (560, 120)) + (
                layer("river", top=560),
                layer("ground", points=[(420, 1060), (520, 930), (640, 900), (770, 880)]),
                person("ferryman", 220, 935, 170, facing="right", arm="point", mouth="open"),
                layer("boat", x=250, y=895, w=320),
                person("mirae", 640, 930, 160, facing="left", pose="walk", arm="forward", hold="lantern"),
                layer("reeds", y=1060, x0=640, x1=780, count=8, height=150),
            ),
            (Speech("Ferryman", "From here, the road is yours.", 250, 450, (220, 730), 240),
             Speech("Mirae", "Thank you.", 620, 600, (640, 780), 180)),
        ),
        PanelScript(
            "From a hilltop at first light, Mirae looks back across the river. Far away on the other side, a "
            "single small window is still lit. The sky is turning pink at the horizon.",
            night_backdrop(None, 700, 120, (720, 160)) + (
                layer("house", x=250, y=740, w=60),
                layer("river", top=760, bottom=880),
                layer("ground", points=[(-10, 1000), (300, 930), (600, 900), (810, 920)]),
                person("mirae", 560, 1120, 240, facing="back", arm="forward", hold="lantern_unlit"),
            ),
            (Caption("Across the water, one small window stayed lit until morning.", 40, 160, 420),
             Title("To be continued...", 1195)),
            height=1280, top=120, bottom=140, bleed=True, mood="dawn",
        ),
    ),
)


EPISODE_2 = EpisodeScript(
    2, "The Night Train",
    "Trains were the loudest thing in my childhood. Here I tried to draw one that sounds kind.",
    (
        PanelScript(
            "At dusk, under a violet and orange sky, Mirae sits alone on a bench at a tiny country station. "
            "A lamp post glows beside her and low hills roll away behind the tracks.",
            night_backdrop(None, 900, 40) + (
                layer("hills", y=880, amp=120, tone="far", outline=False),
                layer("hills", y=930, amp=60, tone="near"),
                layer("block", x0=-10, y0=936, x1=810, y1=944, color=(150, 146, 160)),
                layer("platform", y=960),
                layer("lamp_post", x=640, y=1090, h=360),
                layer("bench", x=340, y=1090, w=280),
                person("mirae", 340, 1040, 230, pose="sit", arm="both", hold="lantern_unlit", mouth="flat"),
            ),
            (Title("The Night Train", 70, "Episode 2"),
             Caption("The road ended at a tiny station at the edge of the fields.", 40, 270, 400)),
            height=1250, top=230, bottom=110, bleed=True, mood="dusk",
        ),
        PanelScript(
            "A train comes along the rails toward the station, its round headlight shining. The rails run "
            "back into the hills.",
            night_backdrop(None, 700, 40) + (
                layer("hills", y=700, amp=120, tone="far", outline=False),
                layer("hills", y=740, amp=50, tone="near"),
                layer("rails", vx=520, vy=700),
                layer("train_front", x=520, y=760, size=230),
            ),
            (Caption("It came out of the hills with one bright eye.", 400, 110, 340),
             Sfx("WHOOOO!", 250, 380, 84, 10)),
            mood="dusk",
        ),
        PanelScript(
            "A kind conductor in a blue cap stands in the lit doorway of a red carriage. On the platform, "
            "Mirae holds up her ticket with both hands.",
            (
                layer("sky"),
                layer("carriage", x0=300, y0=180, x1=820, y1=1000, door=(440, 660)),
                layer("platform", y=1000),
                person("conductor", 550, 980, 400, facing="left", arm="down", mouth="open"),
                person("mirae", 220, 1080, 340, facing="right", arm="both", hold="ticket", mouth="open"),
            ),
            (Speech("Conductor", "Ticket, please. Ah... all the way to the city?", 560, 250, (540, 560), 300),
             Speech("Mirae", "All the way.", 190, 560, (215, 760), 180)),
            height=1250, mood="dusk",
        ),
        PanelScript(
            "Inside the carriage, Mirae sits by a wide window with her lantern in her lap. Outside, dark "
            "hills slide past under the moon.",
            (
                layer("room", wall="carriage", floor=1060),
                layer("window", x0=60, y0=240, x1=740, y1=720, view="fields", frame=(150, 150, 160), panes=False),
                layer("block", x0=120, y0=740, x1=480, y1=1100, color=(150, 60, 70), radius=40),
                person("mirae", 300, 960, 380, facing="right", pose="sit", arm="both", hold="lantern_unlit",
                       mouth="flat"),
            ),
            (Caption("I had never gone faster than my own feet.", 400, 1090, 360),),
            height=1280, bottom=130, bleed=True, mood="train",
        ),
        PanelScript(
            "An elderly woman with curly grey hair, a green coat and a yellow scarf leans across the aisle, "
            "smiling, and offers Mirae a bright orange tangerine.",
            (
                layer("room", wall="carriage"),
                layer("window", x0=320, y0=240, x1=700, y1=560, view="fields", frame=(150, 150, 160), panes=False),
                layer("block", x0=420, y0=640, x1=800, y1=1100, color=(150, 60, 70), radius=30),
                person("passenger", 580, 980, 420, facing="left", pose="sit", arm="offer", hold="tangerine",
                       eyes="smile", mouth="open"),
                person("mirae", 110, 1060, 420, facing="right", pose="sit"),
            ),
            (Speech("Passenger", "You look hungry, dear. Here, have a tangerine.", 300, 290, (540, 680), 300),),
            mood="train",
        ),
        PanelScript(
            "Mirae holds the tangerine in both hands near her chin and smiles for the first time.",
            (
                layer("room", wall="carriage"),
                layer("glow", x=400, y=700, r=500, strength=0.3),
                person("mirae", 400, 1520, 1200, arm="chin", hold="tangerine", eyes="smile"),
            ),
            (Speech("Mirae", "Thank you. I'm going to the city.", 200, 250, (300, 420), 260),
             Speech("Passenger", "Then you'll need your strength.", 610, 410, (790, 380), 250)),
            height=1150, top=150, bottom=150, mood="train",
        ),
        PanelScript(
            "Seen from far away, the train crosses a tall stone bridge over a valley at night. Every carriage "
            "window glows yellow, and a river shines far below.",
            night_backdrop((620, 320, 50), 800, 240, (800, 200)) + (
                layer("river", top=1120, reflect=620),
                layer("bridge", y=860, span=170),
                layer("train", x=60, y=860, cars=3, car_w=170, car_h=64),
            ),
            (Caption("All night we crossed rivers that no one had to row across.", 40, 180, 420),),
            height=1280, top=140, bottom=20, bleed=True, mood="train",
        ),
        PanelScript(
            "Mirae sleeps sitting up by the train window, eyes closed, the lantern resting in her lap.",
            (
                layer("room", wall="carriage"),
                layer("window", x0=40, y0=150, x1=300, y1=620, view="fields", frame=(150, 150, 160), panes=False),
                layer("block", x0=200, y0=560, x1=760, y1=1100, color=(150, 60, 70), radius=30),
                person("mirae", 440, 1010, 620, facing="left", pose="sit", arm="both", hold="lantern_unlit",
                       eyes="closed", mouth="flat"),
            ),
            (Caption("I dreamed of the river, and of a window that stayed lit.", 60, 100, 400),
             Sfx("zzz", 640, 300, 56, -12, (200, 210, 255))),
            mood="train",
        ),
        PanelScript(
            "The train rushes into a long, dark tunnel. Its rings close in toward a small circle of light far "
            "ahead.",
            (layer("tunnel", x=400, y=520), layer("speed_lines", y0=160, y1=940, count=26)),
            (Caption("Then came the long dark of a tunnel...", 60, 110, 400),
             Sfx("ta-dum ta-dum", 560, 860, 54, -8, (255, 236, 190))),
            height=1100, top=150, bottom=150, mood="train",
        ),
        PanelScript(
            "Out of the tunnel, a huge city glitters on the horizon behind the window. Mirae, seen from "
            "behind, raises her hand toward the glass.",
            (
                layer("room", wall="carriage"),
                layer("window", x0=50, y0=190, x1=750, y1=900, view="city", frame=(150, 150, 160), panes=False),
                person("mirae", 420, 1470, 820, facing="back", arm="up"),
            ),
            (Speech("Mirae", "Look... it's as if the stars fell down.", 250, 290, (340, 560), 280),),
            height=1280, top=140, bottom=70, bleed=True, mood="city",
        ),
        PanelScript(
            "Mirae stands in a huge station hall with a vaulted glass roof and rows of hanging lamps, "
            "holding her lantern close. Other travellers hurry past.",
            (
                layer("hall", floor=880),
                layer("crowd", y=960, x0=40, x1=760, count=9, h=200),
                person("mirae", 400, 990, 230, arm="forward", hold="lantern_unlit", mouth="open"),
            ),
            (Caption("The city station was bigger than my whole village.", 60, 110, 400),
             Title("Next: A Letter Home", 1100)),
            height=1250, top=150, bottom=230, mood="city",
        ),
    ),
)


EPISODE_3 = EpisodeScript(
    3, "A Letter Home",
    "Some letters cannot be posted yet. Writing them still counts.",
    (
        PanelScript(
            "A city at night: tall buildings with hundreds of lit windows, glowing signs in pink and teal, "
            "and a dark blue sky with a small moon and a few stars.",
            night_backdrop((150, 360, 36), 1190, 60) + (
                layer("buildings", base=1190, low=360, high=700, tone="far", lit=0.4),
                layer("buildings", base=1190, low=180, high=420, tone="near", lit=0.5, neon=True),
            ),
            (Title("A Letter Home", 70, "Episode 3"),
             Caption("The city never turned its lights off. At first, that frightened me.", 380, 270, 380)),
            height=1280, top=230, bottom=90, bleed=True, mood="city",
        ),
        PanelScript(
            "Mirae walks along a busy street lined with glowing shop windows and striped awnings, holding "
            "her unlit lantern. Other people hurry by.",
            night_backdrop(None, 1100, 30) + (
                layer("buildings", base=900, low=300, high=600, tone="far", lit=0.45),
                layer("buildings", base=900, low=220, high=340, tone=(58, 54, 76), lit=0.3, shops=True),
                layer("block", x0=0, y0=900, x1=800, y1=1100, color="ground", outline=False),
                layer("crowd", y=1010, x0=40, x1=260, count=2, h=180),
                layer("crowd", y=1040, x0=620, x1=780, count=1, h=200),
                person("mirae", 420, 1040, 200, facing="right", pose="walk", arm="forward", hold="lantern_unlit"),
            ),
            (Caption("Everyone walked fast. I held my lantern, even though I didn't need it here.", 40, 110, 420),),
            height=1250, mood="city",
        ),
        PanelScript(
            "In a warm bakery full of bread on wooden shelves, a round-faced baker in a white hat and apron "
            "leans over the counter to talk to Mirae.",
            (
                layer("room", wall="bakery", floor=900),
                layer("shelves", x0=80, y0=180, x1=720, y1=620, rows=3),
                person("baker", 560, 1000, 440, facing="left", mouth="open", eyes="smile"),
                layer("block", x0=400, y0=860, x1=760, y1=1060, color=(170, 110, 70)),
                person("mirae", 210, 1030, 360, facing="right", mouth="open"),
            ),
            (Speech("Baker", "You can start tomorrow. Can you be here at five?", 560, 240, (560, 560), 300),
             Speech("Mirae", "I'll be here at four!", 210, 560, (220, 740), 200)),
            mood="city",
        ),
        PanelScript(
            "A small room with a desk under a window. Outside, the city lights glitter. Mirae sits at the "
            "desk with a sheet of paper, and her lantern glows on the windowsill.",
            (
                layer("room", wall="attic", floor=1000),
                layer("window", x0=400, y0=220, x1=730, y1=600, view="city"),
                layer("lantern", x=560, y=530, size=80),
                person("mirae", 250, 900, 420, facing="right", pose="sit", arm="both", hold="letter"),
                layer("block", x0=60, y0=850, x1=600, y1=1060, color=(110, 76, 52)),
                layer("block", x0=40, y0=830, x1=620, y1=860, color=(130, 90, 60)),
                layer("block", x0=330, y0=900, x1=560, y1=980, color=(130, 90, 60), radius=6),
            ),
            (Caption("I rented a small room above the bakery. It smelled of bread all night.", 40, 100, 420),),
            bleed=True, mood="city",
        ),
        PanelScript(
            "Close-up of Mirae's hand writing a letter in pencil on lined paper.",
            (
                layer("room", wall="attic"),
                layer("paper", x=400, y=560, w=560, h=700, angle=-5, written=7),
                layer("hand", x=560, y=620, size=46, angle=30, hold="pencil"),
            ),
            (Caption("Dear Grandmother, I crossed the river. The ferryman was kind. On the train, a lady "
                     "gave me a tangerine.", 60, 920, 520, "letter"),),
            height=1280, top=150, bottom=210, mood="city",
        ),
        PanelScript(
            "Mirae leans over her desk, writing carefully with a small smile. A desk lamp glows beside her.",
            (
                layer("room", wall="attic"),
                layer("lamp", x=600, y=920, kind="desk", r=360),
                person("mirae", 360, 1500, 900, eyes="closed"),
                layer("block", x0=40, y0=920, x1=760, y1=1060, color=(130, 90, 60)),
                layer("paper", x=360, y=990, w=300, h=110, angle=-3, lines=3, written=3),
                layer("hand", x=440, y=985, size=40, angle=120, hold="pencil"),
            ),
            (Caption("There are more lights here than stars at home. I am learning to bake bread. I get "
                     "up at four!", 60, 110, 460, "letter"),),
            mood="city",
        ),
        PanelScript(
            "Mirae's hand places a folded letter into a wooden box that already holds a small stack of "
            "letters.",
            (
                layer("room", wall="attic", floor=880),
                layer("letter_box", x=400, y=700, w=440, h=260),
                layer("hand", x=470, y=520, size=50, angle=300, hold="letter"),
            ),
            (Caption("I can't send it. Not yet.", 60, 110, 360),
             Caption("So I keep every letter in this box, for the day I carry them home myself.", 340, 1020, 420)),
            height=1250, mood="city",
        ),
        PanelScript(
            "On the bakery rooftop at night, Mirae holds up her lit lantern. The city spreads out below her "
            "and the moon hangs above.",
            night_backdrop((620, 320, 60), 1210, 160) + (
                layer("buildings", base=1210, low=200, high=500, tone="far", lit=0.4),
                layer("block", x0=-10, y0=1060, x1=810, y1=1230, color="near"),
                person("mirae", 330, 1090, 260, facing="right", arm="up", hold="lantern", mouth="open"),
            ),
            (Speech("Mirae", "Grandmother, I'm lighting it again.", 560, 600, (380, 820), 240),),
            height=1280, top=140, bottom=70, bleed=True, mood="city",
        ),
        PanelScript(
            "Far away, Grandmother's little house stands by the river under the moon. Its window is lit, and "
            "through it Grandmother can be seen looking out at the night.",
            night_backdrop((620, 280, 44), 720, 160, (720, 200)) + (
                layer("river", top=720, reflect=620),
                layer("ground", points=[(30, 980), (400, 930), (770, 970)]),
                layer("house", x=400, y=960, w=440, inside="grandmother"),
            ),
            (Caption("Far away, beside a wide river...", 60, 110, 360),
             Caption("...someone else was keeping a light on, too.", 340, 1000, 400)),
            mood="night",
        ),
        PanelScript(
            "Two windows far apart, each with a small warm light: Mirae's lantern in a city window at the "
            "top, and Grandmother's lit window by the river at the bottom. A band of stars arches between them.",
            night_backdrop(None, 1160, 140) + (
                layer("buildings", base=560, low=200, high=420, tone="near", lit=0.08),
                layer("window", x0=540, y0=300, x1=700, y1=480, view="city"),
                layer("lantern", x=620, y=410, size=60),
                layer("star_arc", x0=560, y0=520, x1=220, y1=900, bend=120),
                layer("river", top=1060, reflect=200),
                layer("house", x=200, y=1060, w=200),
            ),
            (Caption("Between us: mountains, a river, a whole night of train tracks.", 40, 180, 380),
             Caption("And the same sky.", 420, 1090, 320)),
            height=1280, top=140, bottom=120, bleed=True, mood="city",
        ),
        PanelScript(
            "Morning light rises over the city. On the windowsill, the lantern still glows softly beside the "
            "wooden box of letters.",
            (
                layer("room", wall="attic", floor=840),
                layer("window", x0=100, y0=200, x1=700, y1=720, view="dawn"),
                layer("block", x0=60, y0=720, x1=740, y1=760, color=(130, 90, 60)),
                layer("lantern", x=560, y=600, size=120),
                layer("letter_box", x=250, y=650, w=220, h=70),
            ),
            (Caption("Every night I light it, so the road remembers where I am.", 60, 110, 460),
             Title("The End", 1080)),
            height=1250, top=150, bottom=230, mood="morning",
        ),
    ),
)


EPISODE_SCRIPTS: tuple[EpisodeScript, ...] = (EPISODE_1, EPISODE_2, EPISODE_3)

DEMO_SERIES = DemoSeries(
    slug="the-lantern-road",
    title="The Lantern Road",
    summary=(
        "Mirae crosses a river at night with her grandmother's paper lantern, rides a night train to a "
        "city of lights, and writes letters home that she cannot post yet. A gentle, hopeful story."
    ),
    content_warning="Separation from family.",
    language="en",
    artist_slug="haneul-kim",
    artist_name="Haneul Kim",
    artist_bio_markdown=(
        "**Haneul Kim** is a fictional artist: the pen name and this series are demo content that ships "
        "with the site, drawn entirely by code, so you can see how a published series looks.\n\n"
        "Real artists' pages show their own words here, written in *Markdown*."
    ),
    episodes=[
        DemoEpisode(e.number, e.title, e.author_note, [(p.alt, p.transcript) for p in e.panels])
        for e in EPISODE_SCRIPTS
    ],
)
