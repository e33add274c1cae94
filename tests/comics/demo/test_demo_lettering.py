"""The demo letters Korean: the same panels with another language's lines, in the bundled Hangul font."""
from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from PIL import Image, ImageChops

from comics.demo import art
from comics.demo import pen as demo_pen
from comics.demo.pen import HANGUL_FACE, LATIN_FACE, Pen, face_for
from comics.demo.script import Caption, Speech, Title
from comics.fonts.line_breaks import break_lines
from tests.imagegen import glyph_shapes

KOREAN_LINES = ["그럼 할머니는 등불 없이 어떻게 길을 찾으세요?", "이 길은 눈을 감고도 안단다."]


def blank_canvas(language: str) -> Pen:
    return Pen(Image.new("RGB", (800, 600), "white"), scale=2, language=language)


def test_the_language_picks_the_face() -> None:
    assert face_for("Take it, Mirae.", "en") == LATIN_FACE
    assert face_for("Take it, Mirae.", "ko") == HANGUL_FACE  # one face for a whole Korean panel
    assert face_for("받으렴, 미래야.", "ko") == HANGUL_FACE
    # A letter Pillow's font lacks (Hangul, or even é) is lettered in the bundled font, never as a box.
    assert face_for("Mirae 미래", "en") == HANGUL_FACE
    assert face_for("Café", "en") == HANGUL_FACE


def test_korean_balloon_is_lettered_in_distinct_hangul_glyphs(monkeypatch: pytest.MonkeyPatch) -> None:
    inside = (320, 260, 480, 340)  # the middle of the balloon, in pixels (the pen draws at 2x)
    empty, korean = blank_canvas("ko"), blank_canvas("ko")
    art.draw_speech_balloon(empty, "", 200, 150, (220, 280))
    art.draw_speech_balloon(korean, "등불 길", 200, 150, (220, 280))
    with monkeypatch.context() as patch:
        patch.setattr(demo_pen, "face_for", lambda text, language="en": LATIN_FACE)
        tofu = blank_canvas("ko")
        art.draw_speech_balloon(tofu, "등불 길", 200, 150, (220, 280))
    lettered = korean.image.crop(inside)
    assert ImageChops.difference(lettered, empty.image.crop(inside)).getbbox() is not None
    assert ImageChops.difference(lettered, tofu.image.crop(inside)).getbbox() is not None
    assert len(set(glyph_shapes(lettered))) >= 3  # 등, 불 and 길
    assert len(set(glyph_shapes(tofu.image.crop(inside)))) < 3  # Pillow's font draws boxes, all alike


def test_balloons_and_captions_are_sized_to_korean_words() -> None:
    short, long = blank_canvas("ko"), blank_canvas("ko")
    art.draw_speech_balloon(short, "네.", 200, 150, (220, 280))
    art.draw_speech_balloon(long, KOREAN_LINES[0], 200, 150, (220, 280))
    short_box, long_box = (ImageChops.invert(pen.image).getbbox() for pen in (short, long))
    assert short_box is not None and long_box is not None
    assert long_box[2] - long_box[0] > short_box[2] - short_box[0]
    assert long_box[3] - long_box[1] > short_box[3] - short_box[1]


def test_a_long_korean_run_wraps_inside_its_caption() -> None:
    pen = blank_canvas("ko")
    art.draw_caption(pen, "정말로우리는둘다용감했어요아아아아아아아아아아아아아아아아아", 10, 10, 300)
    box = ImageChops.invert(pen.image).getbbox()
    assert box is not None
    assert box[2] <= (10 + 300 + 6) * 2  # the box and its shadow, at 2x: the words did not push it wider
    lines = art.wrap_text(pen, "정말로우리는둘다용감했어요아아아아아아아아아아아아아아아아아", 24, 300 - 32)
    assert len(lines) >= 2 and all(pen.measure(line, 24) <= 300 - 32 for line in lines)


def test_with_lines_puts_new_words_in_the_same_places() -> None:
    english = art.panel_script(1, 2).letters
    korean = art.with_lines(english, KOREAN_LINES)
    assert [item.text for item in korean] == KOREAN_LINES
    assert all(isinstance(item, Speech) for item in korean)
    assert [dataclasses.replace(item, text="") for item in korean] == [dataclasses.replace(item, text="") for item in english]
    with pytest.raises(ValueError):
        art.with_lines(english, KOREAN_LINES[:1])


def test_a_panel_lettered_in_korean_is_the_same_art_with_other_words() -> None:
    title, caption = art.panel_script(1, 0).letters
    assert isinstance(title, Title) and isinstance(caption, Caption)
    letters = (dataclasses.replace(title, text="밤의 강", kicker="1화"),
               dataclasses.replace(caption, text="할머니는 강이 자기를 건너간 모든 등불을 기억한다고 말씀하시곤 했다."))
    english = art.draw_panel(1, 0, width=300)
    korean = art.draw_panel(1, 0, width=300, letters=letters, language="ko")
    again = art.draw_panel(1, 0, width=300, letters=letters, language="ko")
    assert korean.size == english.size
    assert ImageChops.difference(korean, english).getbbox() is not None
    assert ImageChops.difference(korean, again).getbbox() is None  # deterministic, like the English panels
    # The scene below the lettering is untouched: the bottom of the panel (houses, hills) is identical.
    bottom = (0, korean.height * 3 // 4, korean.width, korean.height)
    assert ImageChops.difference(korean.crop(bottom), english.crop(bottom)).getbbox() is None


def test_english_panels_are_lettered_as_before_by_default() -> None:
    letters = art.panel_script(2, 1).letters
    default = art.draw_panel(2, 1, width=200)
    explicit = art.draw_panel(2, 1, width=200, letters=letters, language="en")
    assert ImageChops.difference(default, explicit).getbbox() is None


def test_cover_letters_a_korean_title() -> None:
    english = art.draw_cover(200, 250)
    korean = art.draw_cover(200, 250, title="등불 길", byline="김하늘 그림", language="ko")
    assert korean.size == english.size == (200, 250)
    assert ImageChops.difference(korean, english).getbbox() is not None


def width_of(text: str) -> float:
    """Every character is 10 wide: line breaking is checked apart from any font."""
    return 10.0 * len(text)


def test_korean_breaks_at_spaces_like_english() -> None:
    assert break_lines("강을 건너던 밤 나는 걸었다", 85, width_of) == ["강을 건너던 밤", "나는 걸었다"]
    assert break_lines("The night the lanterns", 130, width_of) == ["The night the", "lanterns"]
    assert break_lines("", 100, width_of) == [] and break_lines("   ", 100, width_of) == []


def test_a_run_without_spaces_breaks_between_characters() -> None:
    assert break_lines("가나다라마바사아", 30, width_of) == ["가나다", "라마바", "사아"]
    assert break_lines("가 나다라마바사아", 30, width_of) == ["가", "나다라", "마바사", "아"]


def test_closing_punctuation_does_not_start_a_line() -> None:
    assert break_lines("가나다라!?", 40, width_of) == ["가나다", "라!?"]
    assert break_lines("으아아아아...", 50, width_of) == ["으아아아", "아..."]
    assert break_lines("가나다라마!!", 50, width_of) == ["가나다라", "마!!"]
    for run in ("으아아아아아아아아아아아아!!!", "정말이야?!정말이야?!정말이야?!", "그래…그래…그래…그래…"):
        assert not any(line[0] in "!?.,…" for line in break_lines(run, 50, width_of)), run


def test_decomposed_syllables_are_composed_and_never_split() -> None:
    decomposed = unicodedata.normalize("NFD", "한글한글")
    assert len(decomposed) > 4
    assert break_lines(decomposed, 20, width_of) == ["한글", "한글"]
