"""Share cards letter Korean: titles drawn in the bundled Hangul font, not as the boxes Pillow's own font draws."""
from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from comics import fonts
from comics.discovery import card_drawing
from comics.discovery.card_drawing import bundled_font, font_for, load_font, make_share_card, wrap_text
from tests.imagegen import glyph_shapes

KOREAN_TITLE = "등불 길"
# A Latin-only font a configured SHARE_CARD_FONT might be; Debian's fonts-dejavu-core has it.
LATIN_ONLY_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def clear_font_caches() -> None:
    """Forget the fonts the card has loaded, so the next card loads them again (from the real file or not)."""
    card_drawing.load_font.cache_clear()
    card_drawing.bundled_font.cache_clear()


@contextmanager
def lettered_in_pillows_font(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Letter cards as they were before the font was bundled: in Pillow's own font, which has no Hangul."""

    def missing(size: int) -> object:
        raise OSError("cannot open resource")

    with monkeypatch.context() as patch:
        clear_font_caches()
        patch.setattr(fonts, "lettering_font", missing)
        try:
            yield
        finally:
            clear_font_caches()


def card(title: str) -> Image.Image:
    return make_share_card(None, title, "The Lantern Road", site_name="Free Lines")


def title_region(title: str) -> tuple[int, int, int, int]:
    """Return the box in which the title is drawn: where a card with it differs from one without."""
    box = ImageChops.difference(card(title), card("")).getbbox()
    assert box is not None, "the title left no mark on the card"
    return box


def test_korean_title_is_lettered_in_distinct_hangul_glyphs(monkeypatch: pytest.MonkeyPatch) -> None:
    with lettered_in_pillows_font(monkeypatch):
        tofu_card, tofu_box = card(KOREAN_TITLE), title_region(KOREAN_TITLE)
    box = title_region(KOREAN_TITLE)
    korean = card(KOREAN_TITLE).crop(box)
    assert ImageChops.difference(korean, card("").crop(box)).getbbox() is not None
    assert ImageChops.difference(korean, tofu_card.crop(box)).getbbox() is not None
    # Three syllables, three different shapes; the boxes of a font without Hangul are all alike.
    assert len(set(glyph_shapes(korean, dark_ink=False))) >= 3
    assert len(set(glyph_shapes(tofu_card.crop(tofu_box), dark_ink=False))) < 3


def test_each_syllable_of_the_title_has_a_glyph_of_its_own() -> None:
    font = load_font(72)
    shapes = set()
    for syllable in KOREAN_TITLE.replace(" ", ""):
        assert font.getmask(syllable).getbbox()
        assert fonts.draws_glyph(font, syllable), syllable
        shapes.add(fonts.glyph_pixels(font, syllable))
    assert len(shapes) == 3
    assert not fonts.draws_glyph(font, "\ue000")  # private use: the font lacks it, and the check says so


def test_bundled_font_has_every_hangul_syllable() -> None:
    font = fonts.lettering_font(20)
    notdef = fonts.glyph_pixels(font, fonts.NOT_IN_ANY_FONT)
    assert len(fonts.HANGUL_SYLLABLES) == 11_172
    missing = [
        syllable
        for syllable in fonts.HANGUL_SYLLABLES
        if not font.getmask(syllable).getbbox() or fonts.glyph_pixels(font, syllable) == notdef
    ]
    assert missing == []


def test_font_and_licence_are_shipped_together() -> None:
    assert fonts.FONT_FILE.stat().st_size > 1_000_000
    licence = fonts.LICENCE_FILE.read_text(encoding="utf-8")
    assert licence.startswith("Copyright (c) 2010, NAVER Corporation")
    assert "SIL OPEN FONT LICENSE" in licence and "Version 1.1" in licence
    assert fonts.lettering_font(30).getname() == ("NanumGothic", "Bold")


def test_series_line_stays_one_line_beside_a_panel() -> None:
    # It did in Pillow's narrower font at 40 pixels; the bolder bundled font takes 38 to keep it whole.
    width = card_drawing.CARD_SIZE[0] - card_drawing.PICTURE_WIDTH - 2 * card_drawing.MARGIN
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    subtitle = "The Lantern Road · Episode 1"
    assert len(wrap_text(subtitle, load_font(40), width, 2)) == 2
    font, lines = card_drawing.fit_title(draw, subtitle, (40, 38, 34), width, 1, None)
    assert isinstance(font, ImageFont.FreeTypeFont)
    assert lines == [subtitle] and font.size == 38


def test_a_configured_latin_font_hands_korean_to_the_bundled_one() -> None:
    if not LATIN_ONLY_FONT.exists():
        pytest.skip("no Latin-only TrueType font on this machine")
    path = str(LATIN_ONLY_FONT)
    latin = font_for("The River at Night", 40, path)
    assert isinstance(latin, ImageFont.FreeTypeFont) and latin.getname()[0] == "DejaVu Sans"
    assert font_for(KOREAN_TITLE, 40, path) is bundled_font(40)
    assert font_for("Free Lines", 40) is bundled_font(40)


def test_korean_wraps_at_spaces_and_long_runs_by_character() -> None:
    font = load_font(48)
    spaced = wrap_text("강을 건너던 밤 할머니의 등불을 들고 나는 걸었다", font, 300, 10)
    assert len(spaced) > 1
    assert " ".join(spaced) == "강을 건너던 밤 할머니의 등불을 들고 나는 걸었다"  # broken only at spaces
    unbroken = wrap_text("어느날갑자기국경을넘어온소녀와할머니의종이등불이야기", font, 300, 10)
    assert len(unbroken) > 1 and "".join(unbroken) == "어느날갑자기국경을넘어온소녀와할머니의종이등불이야기"
    assert all(font.getlength(line) <= 300 for line in spaced + unbroken)


def test_cut_titles_end_with_an_ellipsis_within_the_width() -> None:
    font = load_font(64)
    lines = wrap_text("강을 건너던 밤 " * 20, font, 500, 3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 500 for line in lines)


def test_decomposed_hangul_is_lettered_like_composed() -> None:
    # macOS writes file names and sometimes text as separate jamo; they must not be split or boxed.
    decomposed = unicodedata.normalize("NFD", KOREAN_TITLE)
    assert decomposed != KOREAN_TITLE
    assert wrap_text(decomposed, load_font(64), 500, 2) == [KOREAN_TITLE]


def test_cards_are_drawn_without_the_bundled_file(monkeypatch: pytest.MonkeyPatch) -> None:
    with lettered_in_pillows_font(monkeypatch):
        picture = make_share_card(Image.new("RGB", (800, 1200), "#3b6ea5"), KOREAN_TITLE, "등불 길 · 1화", site_name="자유로운 선")
    assert picture.size == card_drawing.CARD_SIZE
