"""create_version: an episode's version in another language, through the same pipeline, and its refusals."""
from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from comics.catalogue import create_version, missing_alt_text
from comics.images.ingest import IngestError, Upload
from comics.images.models import StoredImage
from comics.models import Episode, Panel
from comics.site_images import media_store
from extensions import db
from tests.conftest import SiteBuilder, panel_png, stored_names


def uploads(count: int = 2, height: int = 600) -> list[Upload]:
    return [Upload(f"{i}.png", panel_png(height=height, label=str(i))) for i in range(1, count + 1)]


def rows() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(Episode.id))) or 0,
        db.session.scalar(select(func.count(Panel.id))) or 0,
        db.session.scalar(select(func.count(StoredImage.id))) or 0,
    )


def test_a_version_takes_the_originals_number_and_its_own_panels(site: SiteBuilder) -> None:
    original = site.episode(site.series(), publish=False)
    version, _ = create_version(
        original, "ko", "도착", uploads(), translator="김하나", author_note="번역했어요.",
        alt_texts=["강가의 소녀", ""], transcripts=["안녕!"],
    )
    assert (version.number, version.language, version.original_id, version.series_id) == (original.number, "ko", original.id, original.series_id)
    assert version.translator == "김하나" and version.author_note == "번역했어요."
    assert [(p.alt_text, p.transcript) for p in version.panels] == [("강가의 소녀", "안녕!"), ("", "")]
    assert missing_alt_text(version) == 1
    assert original.version_in("ko") is original  # a draft version is not for readers yet
    assert [episode.language for episode in original.versions()] == ["en", "ko"]


def test_a_sliced_strip_keeps_its_text_on_the_first_slice(app: Flask, site: SiteBuilder) -> None:
    original = site.episode(site.series(), publish=False)
    strip = Upload("strip.png", panel_png(height=app.config["PANEL_SLICE_HEIGHT"] * 2 + 200))
    version, _ = create_version(original, "ko", "긴 컷", [strip], alt_texts=["긴 길"])
    assert len(version.panels) > 1
    assert [p.alt_text for p in version.panels] == ["긴 길"] + [""] * (len(version.panels) - 1)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "no language “fr”"),
        ("en", "a version must be in another language"),
    ],
)
def test_a_language_the_site_or_the_original_rules_out_is_refused(site: SiteBuilder, language: str, message: str) -> None:
    original = site.episode(site.series(), publish=False)
    before, files = rows(), stored_names(media_store())
    with pytest.raises(IngestError) as refusal:
        create_version(original, language, "Title", uploads())
    assert message in str(refusal.value)
    assert rows() == before and stored_names(media_store()) == files


def test_a_second_version_in_the_same_language_is_refused(site: SiteBuilder) -> None:
    original = site.episode(site.series(), publish=False)
    create_version(original, "ko", "하나", uploads(1))
    before, files = rows(), stored_names(media_store())
    with pytest.raises(IngestError, match="has a version in “ko” already"):
        create_version(original, "ko", "둘", uploads(1))
    assert rows() == before and stored_names(media_store()) == files


def test_a_version_of_a_version_is_refused(site: SiteBuilder) -> None:
    original = site.episode(site.series(), publish=False)
    version, _ = create_version(original, "ko", "하나", uploads(1))
    before = rows()
    with pytest.raises(IngestError, match="is itself a version in another language"):
        create_version(version, "en", "Again", uploads(1))
    assert rows() == before


def test_a_refused_image_leaves_no_version_and_no_file(site: SiteBuilder) -> None:
    original = site.episode(site.series(), publish=False)
    before, files = rows(), stored_names(media_store())
    with pytest.raises(IngestError):
        create_version(original, "ko", "하나", [*uploads(1), Upload("bad.png", b"<svg></svg>")])
    assert rows() == before and stored_names(media_store()) == files
    db.session.expire_all()
    assert db.session.get_one(Episode, original.id).translations == []
