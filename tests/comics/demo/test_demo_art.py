"""Tests for the demo series: its script, and the pictures drawn from it."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops, ImageFont, ImageStat

from comics import fonts
from comics.demo import art
from comics.demo import pen as demo_pen
from comics.demo.pen import HANGUL_FACE, LATIN_FACE, Pen, face_for
from comics.demo.scenery import LAYERS
from comics.demo.script import EPISODE_SCRIPTS, Caption, Speech, Title


def test_series_has_three_episodes_of_at_least_ten_panels() -> None:
    episodes = art.DEMO_SERIES.episodes
    assert len(episodes) >= 3
    assert [episode.number for episode in episodes] == list(range(1, len(episodes) + 1))
    for episode in episodes:
        assert len(episode.panels) >= 10
        assert episode.title and episode.author_note


def test_every_panel_has_alt_text_and_a_transcript_of_its_lettering() -> None:
    for script, episode in zip(EPISODE_SCRIPTS, art.DEMO_SERIES.episodes, strict=True):
        for panel, (alt, transcript) in zip(script.panels, episode.panels, strict=True):
            assert len(alt) > 20
            assert transcript == "\n".join(item.transcript for item in panel.letters)
            for item in panel.letters:
                if isinstance(item, (Caption, Speech, Title)):
                    assert item.text in transcript


def test_series_metadata_says_it_is_fictional() -> None:
    series = art.DEMO_SERIES
    assert series.language == "en"
    assert series.slug == "the-lantern-road"
    assert "fictional" in series.artist_bio_markdown


def test_script_names_only_layers_that_exist() -> None:
    for episode in EPISODE_SCRIPTS:
        for panel in episode.panels:
            assert {layer.name for layer in panel.scene} <= LAYERS.keys()


def test_english_lettering_keeps_to_the_letters_of_pillows_font() -> None:
    # Aileron is the English demo's look; a letter it lacks would switch that line to the Hangul face.
    for episode in EPISODE_SCRIPTS:
        for panel in episode.panels:
            for item in panel.letters:
                assert face_for(item.text, "en") == LATIN_FACE, item.text


def test_panel_is_a_tall_rgb_image_of_the_requested_width() -> None:
    image = art.draw_panel(1, 0)
    assert image.mode == "RGB"
    assert image.width == 800
    assert image.height >= 1000
    narrow = art.draw_panel(1, 0, width=400)
    assert narrow.size == (400, image.height // 2)


def test_panel_drawing_is_deterministic() -> None:
    first, second = art.draw_panel(2, 6, width=300), art.draw_panel(2, 6, width=300)
    assert ImageChops.difference(first, second).getbbox() is None


def test_panels_are_pictures_not_blanks() -> None:
    for episode, index in ((1, 5), (3, 0)):
        image = art.draw_panel(episode, index, width=400)
        colours = image.getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 500
        assert max(ImageStat.Stat(image).stddev) > 40


def test_different_panels_look_different() -> None:
    first, second = art.draw_panel(1, 1, width=200), art.draw_panel(1, 2, width=200)
    assert first.size != second.size or ImageChops.difference(first, second).getbbox() is not None


@pytest.mark.parametrize("episode, index", [(0, 0), (4, 0), (1, -1), (1, 99)])
def test_unknown_panels_are_refused(episode: int, index: int) -> None:
    with pytest.raises(ValueError):
        art.draw_panel(episode, index)


def blank_canvas() -> Pen:
    return Pen(Image.new("RGB", (800, 600), "white"), scale=2)


def test_speech_balloon_letters_its_text() -> None:
    empty, lettered = blank_canvas(), blank_canvas()
    art.draw_speech_balloon(empty, "", 200, 150, (220, 280))
    art.draw_speech_balloon(lettered, "Take it, Mirae.", 200, 150, (220, 280))
    inside = (300, 260, 500, 340)  # the middle of the balloon, in pixels (the pen draws at 2x)
    ink = ImageChops.difference(empty.image, lettered.image).crop(inside)
    assert ink.getbbox() is not None


def test_caption_grows_with_its_text() -> None:
    short, long = blank_canvas(), blank_canvas()
    art.draw_caption(short, "Short.", 10, 10, 300)
    art.draw_caption(long, "A much longer caption that has to wrap over several lines of text.", 10, 10, 300)
    short_box = ImageChops.invert(short.image).getbbox()
    long_box = ImageChops.invert(long.image).getbbox()
    assert short_box is not None and long_box is not None
    assert long_box[3] > short_box[3]


def test_cover_and_avatar_have_the_requested_sizes() -> None:
    cover = art.draw_cover(400, 500)
    assert (cover.mode, cover.size) == ("RGB", (400, 500))
    avatar = art.draw_avatar(128)
    assert (avatar.mode, avatar.size) == ("RGB", (128, 128))
    assert max(ImageStat.Stat(cover).stddev) > 30


def test_lettering_falls_back_to_the_bitmap_font_without_freetype(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_freetype(size: float | None = None) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        """Behave like load_default in a Pillow built without FreeType."""
        if size is not None:
            raise ImportError("The _imagingft C module is not installed")
        return ImageFont.load_default_imagefont()

    def no_truetype(*args: object, **kwargs: object) -> ImageFont.FreeTypeFont:
        raise ImportError("The _imagingft C module is not installed")

    monkeypatch.setattr(ImageFont, "load_default", no_freetype)
    monkeypatch.setattr(ImageFont, "truetype", no_truetype)
    caches = (demo_pen.lettering_font, demo_pen.letters_top, demo_pen.latin_face_has, fonts.lettering_font)
    for cache in caches:
        cache.cache_clear()
    try:
        font, zoom = demo_pen.lettering_font(50)
        hangul_font, hangul_zoom = demo_pen.lettering_font(50, HANGUL_FACE)
        image = art.draw_panel(2, 1, width=200)  # a caption and a sound effect
        korean = art.draw_panel(2, 1, width=200, letters=art.with_lines(art.panel_script(2, 1).letters, ["밤", "부웅!"]),
                                language="ko")
    finally:
        for cache in caches:
            cache.cache_clear()
    assert not isinstance(font, ImageFont.FreeTypeFont)
    assert zoom > 1  # enlarged, so the lettering stays readable
    # Korean cannot be lettered (its letters become "?"), but the picture is still drawn.
    assert not isinstance(hangul_font, ImageFont.FreeTypeFont) and hangul_zoom == zoom
    assert image.width == korean.width == 200
