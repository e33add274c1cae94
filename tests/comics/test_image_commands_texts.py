"""import-episode in other languages (--language, --number, --translator) and with texts (--texts, or
a texts.json and ComicInfo.xml inside a .cbz), and every refusal of a bad sidecar."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from comics.images.models import StoredImage
from comics.images.panel_texts import MAX_ALT_TEXT, MAX_TRANSCRIPT
from comics.models import Episode, EpisodeStatus, Panel
from comics.site_images import media_store
from extensions import db
from tests.conftest import SiteBuilder, panel_png, stored_names

COMIC_INFO = """<?xml version="1.0" encoding="utf-8"?>
<ComicInfo xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <Title>강을 건너다</Title>
  <Summary>첫 번째 밤이에요.</Summary>
  <Number>1</Number>
  <LanguageISO>ko</LanguageISO>
  <Translator>김하나</Translator>
  <Pages><Page Image="0"/><Page Image="1"/></Pages>
</ComicInfo>
"""


def panels(folder: Path, count: int) -> list[str]:
    paths = []
    for index in range(1, count + 1):
        path = folder / f"{index}.png"
        path.write_bytes(panel_png(label=str(index)))
        paths.append(str(path))
    return paths


def sidecar(folder: Path, content: object, name: str = "texts.json") -> str:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return str(path)


def rows() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model)) or 0 for model in (Episode, Panel, StoredImage))  # type: ignore[return-value]


@pytest.fixture
def original(site: SiteBuilder) -> Episode:
    return site.episode(site.series(), publish=True)


def test_an_original_imports_with_its_texts_and_counts_the_panels_without_alt_text(
    runner: FlaskCliRunner, site: SiteBuilder, tmp_path: Path
) -> None:
    site.series()
    texts = sidecar(tmp_path, [{"alt": "A girl at the river", "transcript": "Hello!"}, {"transcript": "..."}, {}])
    result = runner.invoke(args=["import-episode", "river", *panels(tmp_path, 3), "--title", "Arrival", "--texts", texts])
    assert result.exit_code == 0, result.output
    episode = db.session.scalars(select(Episode)).one()
    assert [(p.alt_text, p.transcript) for p in episode.panels] == [("A girl at the river", "Hello!"), ("", "..."), ("", "")]
    assert "2 of 3 panels have no alt text: readers using screen readers get nothing from them" in result.output


def test_a_version_imports_with_language_number_and_translator(runner: FlaskCliRunner, original: Episode, tmp_path: Path) -> None:
    texts = sidecar(tmp_path, [{"alt": "강가의 소녀", "transcript": "안녕!"}, {"alt": "밤", "transcript": ""}])
    result = runner.invoke(args=[
        "import-episode", "river", *panels(tmp_path, 2), "--title", "도착", "--language", "ko", "--number", "1",
        "--translator", "김하나", "--texts", texts, "--publish",
    ])
    assert result.exit_code == 0, result.output
    assert "the ko version of episode 1" in result.output and "no alt text" not in result.output
    assert result.output.strip().splitlines()[-1] == "/ko/series/river/1/"
    db.session.expire_all()
    version = db.session.get_one(Episode, original.id).translations[0]
    assert (version.language, version.number, version.translator, version.title) == ("ko", 1, "김하나", "도착")
    assert [p.alt_text for p in version.panels] == ["강가의 소녀", "밤"]
    assert version.status == EpisodeStatus.PUBLISHED and version.is_public


def test_a_cbz_with_comic_info_and_texts_json_imports_a_version(runner: FlaskCliRunner, original: Episode, tmp_path: Path) -> None:
    archive = tmp_path / "episode-1-ko.cbz"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ComicInfo.xml", COMIC_INFO)
        zf.writestr("texts.json", json.dumps([{"alt": "첫 컷"}, {"alt": "둘째 컷", "transcript": "가자."}], ensure_ascii=False))
        for number in (1, 2):
            zf.writestr(f"{number:03}.png", panel_png(label=str(number)))
    result = runner.invoke(args=["import-episode", "river", str(archive)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    version = db.session.get_one(Episode, original.id).translations[0]
    assert (version.title, version.language, version.translator, version.author_note) == ("강을 건너다", "ko", "김하나", "첫 번째 밤이에요.")
    assert [(p.alt_text, p.transcript) for p in version.panels] == [("첫 컷", ""), ("둘째 컷", "가자.")]
    assert version.status == EpisodeStatus.DRAFT


def test_a_version_needs_a_number(runner: FlaskCliRunner, original: Episode, tmp_path: Path) -> None:
    before = rows()
    result = runner.invoke(args=["import-episode", "river", *panels(tmp_path, 1), "--title", "도착", "--language", "ko"])
    assert result.exit_code != 0 and "say which with --number" in result.output
    assert rows() == before


def test_a_version_of_a_missing_episode_is_refused(runner: FlaskCliRunner, original: Episode, tmp_path: Path) -> None:
    result = runner.invoke(args=["import-episode", "river", *panels(tmp_path, 1), "--title", "도착", "--language", "ko", "--number", "7"])
    assert result.exit_code != 0 and "has no episode 7 to translate" in result.output


def test_a_language_the_site_lacks_is_refused(runner: FlaskCliRunner, original: Episode, tmp_path: Path) -> None:
    before = rows()
    result = runner.invoke(args=["import-episode", "river", *panels(tmp_path, 1), "--title", "Arrivée", "--language", "fr", "--number", "1"])
    assert result.exit_code != 0 and "no language “fr”" in result.output
    assert rows() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"alt": "one"}, {"alt": "two"', "not valid JSON (line 1"),
        ([{"alt": "only one"}], "1 entries for 2 image files"),
        ("[{\"alt\": \"caf\xe9\"}, {}]".encode("latin-1"), "not UTF-8 text"),
        ([{"alt": "x" * (MAX_ALT_TEXT + 1)}, {}], f"more than the limit of {MAX_ALT_TEXT:,}"),
        ([{}, {"transcript": "x" * (MAX_TRANSCRIPT + 1)}], "entry 2: the transcript is"),
        ({"alt": "not a list"}, "expected a JSON list"),
        ([{"alt": 3}, {}], "alt and transcript must be text"),
    ],
    ids=["invalid-json", "wrong-count", "not-utf8", "alt-too-long", "transcript-too-long", "not-a-list", "not-text"],
)
def test_a_bad_sidecar_is_refused_and_nothing_is_imported(
    runner: FlaskCliRunner, site: SiteBuilder, tmp_path: Path, content: object, message: str
) -> None:
    site.series()
    before, files = rows(), stored_names(media_store())
    result = runner.invoke(args=["import-episode", "river", *panels(tmp_path, 2), "--title", "Arrival", "--texts", sidecar(tmp_path, content)])
    assert result.exit_code != 0
    assert "nothing was imported" in result.output and message in result.output
    assert rows() == before and stored_names(media_store()) == files


@pytest.mark.parametrize(
    ("info", "message"),
    [
        ("<ComicInfo><Title>Open", "not well-formed XML"),
        ('<!DOCTYPE x [<!ENTITY a "aaaa">]><ComicInfo><Title>&a;</Title></ComicInfo>', "DOCTYPE or entities"),
        ("<Book><Title>x</Title></Book>", "not <ComicInfo>"),
    ],
    ids=["broken-xml", "entities", "wrong-root"],
)
def test_a_bad_comic_info_is_refused(runner: FlaskCliRunner, original: Episode, tmp_path: Path, info: str, message: str) -> None:
    archive = tmp_path / "bad.cbz"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ComicInfo.xml", info)
        zf.writestr("1.png", panel_png())
    before = rows()
    result = runner.invoke(args=["import-episode", "river", str(archive), "--title", "X"])
    assert result.exit_code != 0 and message in result.output
    assert rows() == before


def test_texts_given_twice_are_refused(runner: FlaskCliRunner, site: SiteBuilder, tmp_path: Path) -> None:
    site.series()
    archive = tmp_path / "ep.cbz"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("texts.json", "[{}]")
        zf.writestr("1.png", panel_png())
    result = runner.invoke(args=["import-episode", "river", str(archive), "--title", "X", "--texts", sidecar(tmp_path, [{}])])
    assert result.exit_code != 0 and "give them once" in result.output
