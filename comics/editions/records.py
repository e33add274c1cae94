"""What an edition holds, read from the catalogue: published episodes only, as plain records.

The builders (cbz, html_reader, slides, video) take these records and never the database, so the web's
CBZ download and the offline edition share them. Only what readers may see now is read: public
originals (Episode.public()) and, for each language asked for, the version lettered in it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from comics.images.storage import MediaStore
from comics.models import Episode, Series
from extensions import db

LANGUAGES = ("ko", "en")
# A web address in free text (a summary or transcript): left out of a neutral edition.
_ADDRESS = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S*", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]{2,}")


class EditionRefused(ValueError):
    """An edition that cannot be made, for a reason the person asking can act on."""


@dataclass(frozen=True)
class Imprint:
    """Who the edition names. Empty (the default) is neutral: nothing but the story and the pen name."""

    site_name: str = ""
    site_url: str = ""

    @property
    def neutral(self) -> bool:
        return not (self.site_name or self.site_url)

    def text(self, value: str) -> str:
        """Return free text as this edition may carry it: without web addresses when neutral."""
        return _SPACES.sub(" ", _ADDRESS.sub("", value)).strip() if self.neutral else value.strip()


NEUTRAL = Imprint()


@dataclass(frozen=True)
class PanelContent:
    """One panel: its metadata-free master in the media store, and its words."""

    master: Path
    width: int
    height: int
    alt_text: str
    transcript: str


@dataclass(frozen=True)
class EpisodeContent:
    """One episode in one language."""

    series_slug: str
    series_title: str
    series_summary: str
    number: int
    title: str
    language: str
    pen_name: str
    translator: str
    panels: tuple[PanelContent, ...]

    @property
    def stem(self) -> str:
        """Return the file name this episode's files share, e.g. the-lantern-road-001."""
        return f"{self.series_slug}-{self.number:03d}"


@dataclass(frozen=True)
class SeriesContent:
    """One series in one language, with its episodes in that language, by number."""

    slug: str
    title: str
    summary: str
    language: str
    pen_name: str
    content_warning: str
    episodes: tuple[EpisodeContent, ...]
    # The language the warning is written in: the shelf's, or the original's where it has no translation.
    content_warning_language: str = ""


@dataclass(frozen=True)
class EditionContent:
    """Everything an edition holds: the series of each language, in the order asked for."""

    shelves: tuple[tuple[str, tuple[SeriesContent, ...]], ...]

    def episodes(self) -> list[EpisodeContent]:
        return [episode for _, shelf in self.shelves for series in shelf for episode in series.episodes]


def episode_content(version: Episode, store: MediaStore, imprint: Imprint = NEUTRAL) -> EpisodeContent:
    """Return one published episode version as a record (the CBZ download's entry point too)."""
    series, language = version.series, version.language
    return EpisodeContent(
        series_slug=series.slug,
        series_title=series.title_in(language),
        series_summary=imprint.text(series.summary_in(language)),
        number=version.number,
        title=imprint.text(version.title),
        language=language,
        pen_name=series.artist.name_in(language),
        translator=version.translator,
        panels=tuple(
            PanelContent(
                master=store.path_of(panel.image.master),
                width=panel.image.width,
                height=panel.image.height,
                alt_text=imprint.text(panel.alt_text),
                transcript=imprint.text(panel.transcript),
            )
            for panel in version.panels
        ),
    )


def public_series(slugs: Sequence[str]) -> list[Series]:
    """Return the series asked for (all public ones when none), or refuse naming what is missing."""
    query = select(Series).order_by(Series.title, Series.slug)
    if not slugs:
        found = list(db.session.scalars(Series.public().order_by(Series.title, Series.slug)))
        if not found:
            raise EditionRefused("Nothing is published yet: an edition holds published episodes only.")
        return found
    by_slug = {series.slug: series for series in db.session.scalars(query.where(Series.slug.in_(slugs)))}
    for slug in slugs:
        if slug not in by_slug:
            raise EditionRefused(f"There is no series {slug!r}: give a series' slug, as in its address.")
        if not by_slug[slug].is_public:
            raise EditionRefused(f"The series {slug!r} has no published episode yet.")
    return [by_slug[slug] for slug in dict.fromkeys(slugs)]


def collect_edition(
    store: MediaStore, slugs: Sequence[str] = (), languages: Sequence[str] = LANGUAGES, imprint: Imprint = NEUTRAL
) -> EditionContent:
    """Read the published episodes of these series in these languages; refuse when there are none."""
    for language in languages:
        if language not in LANGUAGES:
            raise EditionRefused(f"No edition in {language!r}: choose from {', '.join(LANGUAGES)}.")
    chosen = public_series(slugs)
    shelves: list[tuple[str, tuple[SeriesContent, ...]]] = []
    for language in dict.fromkeys(languages):
        shelf: list[SeriesContent] = []
        for series in chosen:
            originals = db.session.scalars(
                Episode.public()
                .where(Episode.series_id == series.id)
                .order_by(Episode.number)
                .options(selectinload(Episode.translations), selectinload(Episode.panels))
            )
            versions = [original.version_in(language) for original in originals]
            episodes = tuple(episode_content(v, store, imprint) for v in versions if v.language == language)
            if episodes:
                warning = series.warning_in(language)
                shelf.append(
                    SeriesContent(
                        slug=series.slug,
                        title=series.title_in(language),
                        summary=imprint.text(series.summary_in(language)),
                        language=language,
                        pen_name=series.artist.name_in(language),
                        content_warning=imprint.text(warning.text if warning else ""),
                        episodes=episodes,
                        content_warning_language=warning.language if warning else language,
                    )
                )
        if shelf:
            shelves.append((language, tuple(shelf)))
    if not shelves:
        raise EditionRefused(f"Nothing is published in {' or '.join(languages)} in the series asked for.")
    return EditionContent(tuple(shelves))
