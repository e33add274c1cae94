"""An app with a small bilingual catalogue, and an edition of it exported twice, once per test module."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from artists.models import ArtistTranslation
from comics.catalogue import add_panels
from comics.clock import utcnow
from comics.editions.export import EditionOptions, write_edition, write_edition_zip
from comics.editions.records import NEUTRAL, Imprint, collect_edition
from comics.images.ingest import Upload
from comics.models import Episode, EpisodeStatus, SeriesTranslation
from comics.site_images import media_store
from extensions import db
from tests.conftest import SiteBuilder, make_test_app, panel_png


def korean_version(original: Episode, title: str) -> Episode:
    """Add and publish the Korean version of an episode, with its own lettered panels and words."""
    version = Episode(
        series=original.series, number=original.number, language="ko", original=original, title=title,
        translator="번역가", status=EpisodeStatus.PUBLISHED, published_at=utcnow() - timedelta(minutes=1),
    )  # fmt: skip
    db.session.add(version)
    uploads = [
        Upload(f"{i}.png", panel_png(colour="#a53b3b", label=f"ko {i}"), alt_text=f"{i}번 그림", transcript=f"미래: {i}번째 대사입니다.")
        for i in (1, 2)
    ]
    add_panels(version, uploads, in_background=False)
    db.session.commit()
    return version


def bilingual_site(site: SiteBuilder) -> None:
    """A series in English with a Korean title, two published episodes each with a Korean version, and a draft."""
    artist = site.artist("haneul", "Haneul")
    artist.translations.append(ArtistTranslation(language="ko", display_name="하늘"))
    series = site.series(artist, slug="lantern", title="The Lantern")
    series.translations.append(SeriesTranslation(language="ko", title="등불", summary="등불 이야기."))
    db.session.commit()
    first = site.episode(series, panels=2, title="The River")
    # A web address in a transcript: a neutral edition leaves it out.
    first.panels[0].transcript = "Mirae: Look! See https://example.org/secret for more."
    first.panels[1].transcript = "Grandmother: Take the lantern."
    second = site.episode(series, panels=3, title="The Train")
    db.session.commit()
    korean_version(first, "강")
    korean_version(second, "기차")
    site.episode(series, panels=1, title="A draft", publish=False)


@dataclass
class Exported:
    """Two exports of the same content, and the app they came from."""

    app: Flask
    first: Path
    second: Path
    first_zip: Path
    second_zip: Path


def export(app: Flask, out: Path, imprint: Imprint = NEUTRAL, videos: bool = True) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        content = collect_edition(media_store(), (), ("ko", "en"), imprint)
        write_edition(content, out, EditionOptions(imprint=imprint, videos=videos))
    return out


@pytest.fixture(scope="package")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    """The bilingual site exported twice into folders of one name (an archive holds its folder's name)."""
    from tests.engines import own_database_url

    root = tmp_path_factory.mktemp("editions")
    app = make_test_app(root, **own_database_url("editions"))
    with app.app_context():
        bilingual_site(SiteBuilder())
    first = export(app, root / "a" / "edition")
    second = export(app, root / "b" / "edition")
    write_edition_zip(first, root / "a" / "edition.zip")
    write_edition_zip(second, root / "b" / "edition.zip")
    yield Exported(app, first, second, root / "a" / "edition.zip", root / "b" / "edition.zip")
    shutil.rmtree(root, ignore_errors=True)
