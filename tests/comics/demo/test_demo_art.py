"""Tests for the demo series: its script, and the pictures drawn from it."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops, ImageFont, ImageStat

from comics.demo import art
from comics.demo import pen as demo_pen
from comics.demo.pen import Pen
from comics.demo.scenery import LAYERS
from comics.demo.script import EPISODE_SCRIPTS, Caption, Speech, Title

# Characters the bundled Aileron font has; anything else would letter as an empty box.
FONT_CHARACTERS = set(map(chr, range(0x20, 0x7F))) | set("\u2026\u2018\u2019\u201c\u201d\u00b7\u00ab\u00bb")


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


def test_lettering_uses_only_characters_the_bundled_font_has() -> None:
    for episode in EPISODE_SCRIPTS:
        for panel in episode.panels:
            for item in panel.letters:
                assert set(item.text) <= FONT_CHARACTERS, item.text


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

    monkeypatch.setattr(ImageFont, "load_default", no_freetype)
    demo_pen.lettering_font.cache_clear()
    try:
        font, zoom = demo_pen.lettering_font(50)
        image = art.draw_panel(2, 1, width=200)  # a caption and a sound effect
    finally:
        demo_pen.lettering_font.cache_clear()
    assert not isinstance(font, ImageFont.FreeTypeFont)
    assert zoom > 1  # enlarged, so the lettering stays readable
    assert image.width == 200
