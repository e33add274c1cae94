"""The reader in each language: an episode's version in the page's language, or its original with a
notice; links between versions that keep the panel; series and artists in the page's language."""
from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from artists.models import ArtistTranslation
from comics.catalogue import add_panels
from comics.clock import utcnow
from comics.images.ingest import Upload
from comics.models import Episode, EpisodeStatus, SeriesTranslation
from extensions import db
from tests.conftest import SiteBuilder, panel_png


def add_version(original: Episode, language: str = "ko", title: str = "첫 번째 밤", publish: bool = True, panels: int = 2) -> Episode:
    """Make a lettered version of an episode in another language, through the panel pipeline."""
    version = Episode(
        series_id=original.series_id,
        number=original.number,
        language=language,
        original=original,
        title=title,
        translator="김하늘",
        status=EpisodeStatus.PUBLISHED if publish else EpisodeStatus.DRAFT,
        published_at=utcnow() if publish else None,
    )
    db.session.add(version)
    uploads = [Upload(f"{i}.png", panel_png(label=f"ko{i}"), alt_text=f"{i}번째 컷", transcript=f"대사 {i}") for i in range(1, panels + 1)]
    add_panels(version, uploads, in_background=False)
    db.session.commit()
    return version


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_an_episode_in_korean_shows_its_korean_version(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    with app.app_context():
        original = site.episode(site.series(), title="The first night")
        add_version(original)
    korean = page(client, "/ko/series/river/1/")
    # The original's title is named only in the structured data (translationOfWork), not on the page.
    assert "첫 번째 밤" in korean and "The first night" not in korean.split("<main", 1)[1]
    assert 'alt="1번째 컷"' in korean and "대사 1" in korean
    assert 'lang="ko"' in korean and "김하늘" in korean
    # The other version is offered, at the same address in its language.
    assert 'href="/series/river/1/"' in korean
    english = page(client, "/series/river/1/")
    assert "The first night" in english and "첫 번째 밤" not in english
    assert 'href="/ko/series/river/1/"' in english


def test_without_a_korean_version_the_original_is_shown_with_a_notice(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    with app.app_context():
        site.episode(site.series(), title="The first night")
    korean = page(client, "/ko/series/river/1/")
    assert "The first night" in korean
    assert 'class="language-notice"' in korean
    assert 'class="language-notice"' not in page(client, "/series/river/1/")


def test_a_draft_version_is_never_shown(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    with app.app_context():
        original = site.episode(site.series(), title="The first night")
        add_version(original, publish=False)
    korean = page(client, "/ko/series/river/1/")
    assert "첫 번째 밤" not in korean and 'class="language-notice"' in korean
    assert "/ko/series/river/1/" not in page(client, "/series/river/1/").split("<main", 1)[1]


def test_a_version_of_an_unpublished_original_is_not_public(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    with app.app_context():
        original = site.episode(site.series(), title="The first night", publish=False)
        version = add_version(original)
        assert not version.is_public
        assert db.session.scalar(db.select(Episode.id).where(Episode.id == version.id, Episode.is_public)) is None
    assert client.get("/ko/series/river/1/").status_code == 404


def test_listings_show_one_entry_per_number_titled_in_the_page_language(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    with app.app_context():
        series = site.series()
        original = site.episode(series, title="The first night")
        add_version(original)
        series.translations.append(SeriesTranslation(language="ko", title="강", summary="강에 관한 이야기."))
        series.artist.translations.append(ArtistTranslation(language="ko", display_name="미나", bio_markdown="작가 소개"))
        db.session.commit()
    korean = page(client, "/ko/series/river/")
    assert "강에 관한 이야기." in korean and "첫 번째 밤" in korean
    assert len(re.findall(r'href="/ko/series/river/1/"', korean)) >= 1
    assert "미나" in page(client, "/ko/artists/mina/")
    assert "The summary of River." in page(client, "/series/river/")


def test_panels_carry_anchors_for_the_place_in_the_strip(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    with app.app_context():
        site.episode(site.series(), panels=3)
    html = page(client, "/ko/series/river/1/")
    assert [f'id="panel-{n}"' in html for n in (1, 2, 3)] == [True, True, True]
