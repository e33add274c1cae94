"""Operators' commands: import-episode, media-gc and demo."""
from __future__ import annotations

import zipfile
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from comics.images.models import StoredImage
from comics.models import Episode, EpisodeStatus, Panel
from comics.site_images import media_store
from extensions import db
from tests.conftest import panel_png, stored_names


def write_panels(folder: Path, names: list[str]) -> list[Path]:
    paths = []
    for index, name in enumerate(names):
        path = folder / name
        path.write_bytes(panel_png(colour=f"#{index * 40 % 256:02x}5080", label=name))
        paths.append(path)
    return paths


def count(model: type) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_import_episode_from_files_prints_url_last(runner: FlaskCliRunner, site, tmp_path: Path) -> None:
    site.series()
    paths = write_panels(tmp_path, ["1.png", "2.png"])
    result = runner.invoke(args=["import-episode", "river", *map(str, paths), "--title", "Arrival", "--publish"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "/series/river/1/"
    episode = db.session.scalars(select(Episode)).one()
    assert episode.title == "Arrival" and episode.status == EpisodeStatus.PUBLISHED
    assert len(episode.panels) == 2


def test_import_without_publish_leaves_a_draft(runner: FlaskCliRunner, site, tmp_path: Path) -> None:
    site.series()
    result = runner.invoke(args=["import-episode", "river", str(write_panels(tmp_path, ["a.png"])[0]), "--title", "Draft"])
    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(Episode)).one().status == EpisodeStatus.DRAFT


def test_import_from_cbz_keeps_natural_order(runner: FlaskCliRunner, site, tmp_path: Path) -> None:
    site.series()
    archive = tmp_path / "episode.cbz"
    with zipfile.ZipFile(archive, "w") as zf:
        for number in (10, 2, 1):
            zf.writestr(f"pages/{number}.png", panel_png(width=300 + number, label=str(number)))
    result = runner.invoke(args=["import-episode", "river", str(archive), "--title", "Zipped"])
    assert result.exit_code == 0, result.output
    panels = db.session.scalars(select(Episode)).one().panels
    assert [panel.width for panel in panels] == [301, 302, 310]


def test_refused_file_imports_nothing_and_leaves_no_files(runner: FlaskCliRunner, app: Flask, site, tmp_path: Path) -> None:
    site.series()
    good = write_panels(tmp_path, ["1.png"])[0]
    bad = tmp_path / "2.png"
    bad.write_text("<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    result = runner.invoke(args=["import-episode", "river", str(good), str(bad), "--title", "Broken"])
    assert result.exit_code != 0
    assert "nothing was imported" in result.output and "2.png" in result.output
    assert count(Episode) == 0 and count(Panel) == 0 and count(StoredImage) == 0
    assert list(stored_names(media_store())) == []


def test_import_into_unknown_series_fails_clearly(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = write_panels(tmp_path, ["1.png"])[0]
    result = runner.invoke(args=["import-episode", "nowhere", str(path), "--title", "X"])
    assert result.exit_code != 0 and "no series with the slug 'nowhere'" in result.output


def test_import_refuses_an_empty_title(runner: FlaskCliRunner, site, tmp_path: Path) -> None:
    site.series()
    path = write_panels(tmp_path, ["1.png"])[0]
    result = runner.invoke(args=["import-episode", "river", str(path), "--title", "  "])
    assert result.exit_code != 0 and "needs a title" in result.output
    assert count(Episode) == 0


def test_media_gc_removes_only_unreferenced_files(runner: FlaskCliRunner, site) -> None:
    site.episode(site.series(), panels=1)
    store = media_store()
    orphan = store.put(b"orphan bytes", "jpg")
    kept = set(stored_names(store)) - {orphan}
    result = runner.invoke(args=["media-gc", "--grace", "0"])
    assert result.exit_code == 0 and "Removed 1 unreferenced media files." in result.output
    assert set(stored_names(store)) == kept


def test_media_gc_spares_recent_files(runner: FlaskCliRunner) -> None:
    orphan = media_store().put(b"an upload in flight", "jpg")
    runner.invoke(args=["media-gc"])
    assert media_store().exists(orphan)
