"""The demo series in Korean: every text translated, nothing English left, Korean transcripts, English unchanged."""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from PIL import Image

from artists.models import LinkKind
from comics.demo import art, script_ko
from comics.demo.loader import DEMO_LINKS
from comics.demo.pen import Pen
from comics.demo.script import (
    DEMO_SERIES,
    EPISODE_SCRIPTS,
    Caption,
    DemoSeries,
    EpisodeScript,
    Lettering,
    Sfx,
    Speech,
    Title,
)
from comics.demo.script_ko import in_korean, series_in_korean

HANGUL = re.compile(r"[\uac00-\ud7a3]")
LATIN = re.compile(r"[A-Za-z]")
KOREAN_SCRIPTS = tuple(in_korean(script) for script in EPISODE_SCRIPTS)


def texts(series: DemoSeries, scripts: tuple[EpisodeScript, ...]) -> Iterator[str]:
    """Yield every text a reader meets: the series', the artist's, and each episode's and panel's."""
    yield from (series.title, series.summary, series.artist_name, series.artist_bio_markdown)
    if series.content_warning:
        yield series.content_warning
    for script in scripts:
        yield from (script.title, script.author_note)
        for panel in script.panels:
            yield panel.alt
            for item in panel.letters:
                yield item.text
                if isinstance(item, Speech):
                    yield item.speaker
                if isinstance(item, Title) and item.kicker:
                    yield item.kicker


def test_every_episode_and_the_series_have_korean() -> None:
    series = series_in_korean()
    assert series.language == "ko"
    assert "가상의 작가" in series.artist_bio_markdown and "코드로 그렸어요" in series.artist_bio_markdown
    assert (series.slug, series.artist_slug) == (DEMO_SERIES.slug, DEMO_SERIES.artist_slug)
    assert [e.number for e in series.episodes] == [e.number for e in DEMO_SERIES.episodes]
    for korean, english in zip(series.episodes, DEMO_SERIES.episodes, strict=True):
        assert len(korean.panels) == len(english.panels)
        assert [alt for alt, _ in korean.panels] == [p.alt for p in KOREAN_SCRIPTS[korean.number - 1].panels]


def test_every_korean_text_is_written_in_hangul() -> None:
    # No exceptions needed: even "Markdown" in the artist's bio is written 마크다운.
    for text in texts(series_in_korean(), KOREAN_SCRIPTS):
        assert HANGUL.search(text), text
        assert not LATIN.search(text), text


def test_every_translation_is_of_a_text_the_english_script_has() -> None:
    # The support link's words are the reader's too; names of services (Mastodon) are the same in every language.
    support_labels = {label for kind, label, *_ in DEMO_LINKS if kind == LinkKind.SUPPORT}
    english = set(texts(DEMO_SERIES, EPISODE_SCRIPTS)) | support_labels
    assert set(script_ko.KOREAN) == english  # none missing, none left over from an older script
    assert script_ko.COVER_BYLINE.endswith(script_ko.korean(DEMO_SERIES.artist_name))


def test_an_english_text_without_korean_is_named() -> None:
    panel = EPISODE_SCRIPTS[0].panels[0]
    changed = dataclasses.replace(EPISODE_SCRIPTS[0], panels=(
        dataclasses.replace(panel, letters=(*panel.letters, Caption("A line nobody translated.", 0, 0))),))
    with pytest.raises(KeyError, match="A line nobody translated"):
        in_korean(changed)
    with pytest.raises(KeyError, match="Haneul Kim!"):
        series_in_korean(dataclasses.replace(DEMO_SERIES, artist_name="Haneul Kim!"))


def test_korean_keeps_the_layout_and_changes_only_the_words() -> None:
    for korean, english in zip(KOREAN_SCRIPTS, EPISODE_SCRIPTS, strict=True):
        assert korean.number == english.number
        for k, e in zip(korean.panels, english.panels, strict=True):
            assert dataclasses.replace(k, alt=e.alt, letters=e.letters) == e
            for k_item, e_item in zip(k.letters, e.letters, strict=True):
                assert type(k_item) is type(e_item)
                assert placing(k_item) == placing(e_item)


def placing(item: Lettering) -> dict[str, object]:
    """Return everything about a piece of lettering but its words: where it goes and how it looks."""
    return {f.name: getattr(item, f.name) for f in dataclasses.fields(item) if f.name not in {"text", "speaker", "kicker"}}


def test_korean_transcripts_use_korean_words() -> None:
    transcripts = [transcript for e in series_in_korean().episodes for _, transcript in e.panels]
    assert transcripts[0].splitlines() == [
        "제목: 1화: 강을 건너는 밤",
        "해설: 할머니는 늘 말씀하셨다. 강은 저를 건너간 등불을 모두 기억한다고.",
    ]
    lines = "\n".join(transcripts).splitlines()
    assert "미래(속마음): 할머니도 같은 별이 보여요?" in lines
    assert "효과음: 덜컹덜컹" in lines
    assert "할머니: 가져가렴, 미래야. 이 등불은 늘 길을 찾아 줬단다." in lines
    assert any(line.startswith("편지: 할머니께.") for line in lines)
    speakers = set(script_ko.NAMES.values())
    for line in lines:
        label, _, words = line.partition(": ")
        assert words and (label in {"해설", "편지", "효과음", "제목"} or label.removesuffix("(속마음)") in speakers), line
        assert not LATIN.search(line), line


def english_transcript_as_first_written(item: Lettering) -> str:
    """Return the transcript as script.py built it before it spoke more than one language."""
    if isinstance(item, Caption):
        return f"{'Letter' if item.style == 'letter' else 'Caption'}: {item.text}"
    if isinstance(item, Speech):
        return f"{item.speaker}{' (thinking)' if item.thought else ''}: {item.text}"
    if isinstance(item, Sfx):
        return f"Sound: {item.text}"
    return f"Title: {item.kicker + ': ' if item.kicker else ''}{item.text}"


def test_the_english_script_and_transcripts_are_unchanged() -> None:
    assert DEMO_SERIES.language == "en" and DEMO_SERIES.title == "The Lantern Road"
    for script, demo_episode in zip(EPISODE_SCRIPTS, DEMO_SERIES.episodes, strict=True):
        for panel, (alt, transcript) in zip(script.panels, demo_episode.panels, strict=True):
            expected = "\n".join(map(english_transcript_as_first_written, panel.letters))
            assert alt == panel.alt
            assert transcript == panel.transcript == panel.transcript_in("en") == expected
    lines = "\n".join(t for e in DEMO_SERIES.episodes for _, t in e.panels).splitlines()
    assert "Title: Episode 1: The River at Night" in lines
    assert "Mirae (thinking): Grandmother, can you see the same stars?" in lines
    assert "Sound: WHOOOO!" in lines


def test_korean_lettering_fits_about_as_the_english_does() -> None:
    """Korean balloons and captions take at most one line more than the English: the layout is the English one."""
    english_pen = Pen(Image.new("RGB", (1, 1)), 1, language="en")
    korean_pen = Pen(Image.new("RGB", (1, 1)), 1, language="ko")

    def line_count(pen: Pen, item: Lettering) -> int:
        if isinstance(item, Caption):
            return len(art.wrap_text(pen, item.text, 24, item.width - 32))
        if isinstance(item, Speech):
            return len(art.wrap_text(pen, item.text, 25, item.width))
        return 1

    for korean, english in zip(KOREAN_SCRIPTS, EPISODE_SCRIPTS, strict=True):
        for k_panel, e_panel in zip(korean.panels, english.panels, strict=True):
            for k_item, e_item in zip(k_panel.letters, e_panel.letters, strict=True):
                assert line_count(korean_pen, k_item) <= line_count(english_pen, e_item) + 1, k_item.text
