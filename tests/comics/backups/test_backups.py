"""Backups with restic: a backup restores to the same site, during an upload too, and every refusal is clear."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from artists.models import Role, User
from comics.backups import databases, restic, snapshots
from comics.backups.restic import BackupError
from comics.catalogue import create_episode
from comics.clock import utcnow
from comics.images.ingest import Upload
from comics.models import Episode, Series
from comics.publishing.workflow import delete_episode
from comics.site_images import media_store
from extensions import db
from tests.conftest import SiteBuilder, make_test_app, panel_png, stored_names
from tests.engines import own_database_url

needs_restic = pytest.mark.skipif(
    shutil.which("restic") is None, reason="restic is not installed (Debian: apt-get install restic)"
)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty restic repository in tmp_path, named by the standard variables, its password in a file apart."""
    if shutil.which("restic") is None:
        pytest.skip("restic is not installed (Debian: apt-get install restic)")
    for name in ("RESTIC_PASSWORD", "RESTIC_PASSWORD_COMMAND", "RESTIC_REPOSITORY_FILE"):
        monkeypatch.delenv(name, raising=False)
    secrets = tmp_path / "secrets"
    secrets.mkdir(mode=0o700)
    password = secrets / "restic-password"
    password.write_text(PASSWORD + "\n")
    password.chmod(0o600)
    repository = tmp_path / "repository"
    monkeypatch.setenv("RESTIC_REPOSITORY", str(repository))
    monkeypatch.setenv("RESTIC_PASSWORD_FILE", str(password))
    monkeypatch.setenv("RESTIC_CACHE_DIR", str(tmp_path / "restic-cache"))
    subprocess.run(["restic", "init", "--quiet"], check=True, capture_output=True)
    return repository


def media_hashes(app: Flask) -> dict[str, str]:
    """Return the SHA-256 of every file in the media folder, by name."""
    store = media_store(app)
    return {name: hashlib.sha256(store.path_of(name).read_bytes()).hexdigest() for name in stored_names(store)}


def public_paths(client: FlaskClient) -> list[str]:
    """Return every public address: the sitemaps' pages in each language, with the feeds and catalogues."""
    paths = {
        "/",
        "/ko/",
        "/robots.txt",
        "/sitemap.xml",
        "/feed.atom",
        "/feed.rss",
        "/ko/feed.atom",
        "/latest.json",
        "/give/",
        "/opds/",
        "/opds/latest/",
        "/opds/series/",
    }
    index = ElementTree.fromstring(client.get("/sitemap.xml").data)
    for sitemap in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        sitemap_path = re.sub(r"^https?://[^/]+", "", sitemap.text or "")
        paths.add(sitemap_path)
        for element in ElementTree.fromstring(client.get(sitemap_path).data).iter():
            address = element.text if element.tag.endswith("}loc") else element.get("href")
            if address:
                paths.add(re.sub(r"^https?://[^/]+", "", address))
    for path in list(paths):
        if match := re.fullmatch(r"(/ko)?/series/([^/]+)/", path):
            paths.update({f"{path}feed.atom", f"/opds/series/{match.group(2)}/"})
    return sorted(paths)


def public_pages(app: Flask) -> dict[str, bytes]:
    """Return the bytes of every public page, each checked to be a 200."""
    client = app.test_client()
    pages = {}
    for path in public_paths(client):
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.data
    return pages


def empty_the_instance(app: Flask) -> None:
    """Delete the database and the media folder, as a lost server would."""
    db.session.remove()
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        db.engine.dispose()
        Path(str(url.database)).unlink()
    else:
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    shutil.rmtree(app.config["MEDIA_ROOT"])


@pytest.fixture
def site_app(tmp_path: Path) -> Iterator[Flask]:
    """An app with a database of its own (on PostgreSQL too), which a test may delete."""
    app = make_test_app(tmp_path, **own_database_url(f"backup_{tmp_path.name[-24:].replace('-', '_').lower()}"))
    with app.app_context():
        yield app


def test_the_demo_and_an_upload_come_back_byte_for_byte(site_app: Flask, repository: Path) -> None:
    from comics.demo.loader import load_demo

    load_demo()
    series = db.session.scalar(select(Series))
    assert series is not None
    create_episode(
        series, "Uploaded", [Upload("late.png", panel_png(label="late"), alt_text="A late panel")], publish_at=utcnow()
    )
    pages, files = public_pages(site_app), media_hashes(site_app)
    public = [episode.number for episode in db.session.scalars(Episode.public())]
    assert len(public) >= 4 and len(files) > 100
    for number in public:  # every public episode's page, in both languages, besides the home, series and feeds
        assert {f"/series/{series.slug}/{number}/", f"/ko/series/{series.slug}/{number}/"} <= set(pages)

    runner = site_app.test_cli_runner()
    backup = runner.invoke(args=["backup"])
    assert backup.exit_code == 0, backup.output
    assert re.search(r"Snapshot [0-9a-f]{8}: the database and \d+ media files", backup.output)
    assert runner.invoke(args=["backup", "--check"]).exit_code == 0

    empty_the_instance(site_app)
    restore = runner.invoke(args=["restore"])
    assert restore.exit_code == 0, restore.output
    assert f"the database and {len(files)} media files" in restore.output

    assert media_hashes(site_app) == files
    assert snapshots.rows_naming_missing_files(media_store(site_app)) == []
    assert public_pages(site_app) == pages
    assert not list(Path(site_app.instance_path).glob(".backup-*")) and not list(Path(site_app.instance_path).glob(".restore-*"))


@needs_restic
def test_a_second_backup_adds_only_the_new_files(app: Flask, site: SiteBuilder, repository: Path) -> None:
    series = site.series()
    site.episode(series, panels=3)
    first = snapshots.take_backup(app)
    again = snapshots.take_backup(app)
    episode, _ = create_episode(series, "New", [Upload("new.png", panel_png(colour="#a53b3b", label="new"), alt_text="New")])
    third = snapshots.take_backup(app)
    new_files = episode.panels[0].image.file_names()
    assert first.new_files == first.files == len(media_hashes(app)) - len(new_files)
    assert again.new_files == 0 and again.files == first.files  # unchanged media: only the dump is read again
    assert third.new_files == len(new_files) and third.files == first.files + len(new_files)
    assert len(restic.snapshots()) == 3


def restored_into_empty(app: Flask, *, upgraded: bool = False) -> None:
    """Lose the instance, then restore it: into no tables at all, or into the empty tables `db upgrade` makes."""
    empty_the_instance(app)
    if upgraded:
        db.create_all()
    snapshots.restore_backup(app)
    assert snapshots.rows_naming_missing_files(media_store(app)) == []


def test_an_episode_deleted_between_the_dump_and_the_files_keeps_its_files(
    site_app: Flask, repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builder = SiteBuilder()
    series = builder.series()
    doomed = builder.episode(series, panels=2)
    doomed_files = {name for panel in doomed.panels for name in panel.image.file_names()}
    editor = User(email="editor@example.org", role=Role.EDITOR, display_name="Editor")
    editor.set_password("an editor's long passphrase")
    db.session.add(editor)
    db.session.commit()
    real_dump = databases.dump_database

    def dump_then_delete(url: str, destination: Path) -> None:
        real_dump(url, destination)  # the dump still holds the episode: its files must reach the snapshot
        episode = db.session.get(Episode, doomed.id)
        assert episode is not None
        delete_episode(episode, editor)

    monkeypatch.setattr(snapshots, "dump_database", dump_then_delete)
    snapshots.take_backup(site_app)
    store = media_store(site_app)
    assert all(store.exists(name) for name in doomed_files)  # held back while the backup ran: orphans now
    assert set(store.sweep(set(), grace_seconds=0).removed) >= doomed_files  # and the sweep's to remove after

    restored_into_empty(site_app)
    assert db.session.get(Episode, doomed.id) is not None
    assert all(store.exists(name) for name in doomed_files)


def test_an_upload_under_way_restores_without_it_or_with_all_its_files(
    site_app: Flask, repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builder = SiteBuilder()
    series = builder.series()
    builder.episode(series, panels=1)
    real_dump = databases.dump_database
    uploads = []

    def dump_then_commit_an_upload(url: str, destination: Path) -> None:
        real_dump(url, destination)  # the upload's files are written, its rows commit after the dump
        episode, _ = create_episode(
            series, "During the backup", [Upload("during.png", panel_png(label="during"), alt_text="During")]
        )
        uploads.append(episode.id)

    # An upload whose files were written and whose rows were not committed yet when the dump was taken.
    in_flight = media_store(site_app).put(panel_png(label="in flight"), "png")
    monkeypatch.setattr(snapshots, "dump_database", dump_then_commit_an_upload)
    snapshots.take_backup(site_app)

    restored_into_empty(site_app, upgraded=True)
    assert db.session.get(Episode, uploads[0]) is None  # after the dump: not in this backup
    assert media_store(site_app).exists(in_flight)  # an orphan in the backup, which the sweep removes


def test_restore_refuses_a_site_that_is_not_empty_and_changes_nothing(app: Flask, site: SiteBuilder, repository: Path) -> None:
    series = site.series()
    site.episode(series, panels=1)
    snapshots.take_backup(app)
    site.episode(series, panels=1, title="After the backup")
    files, episodes = media_hashes(app), db.session.scalar(select(db.func.count(Episode.id)))

    result = app.test_cli_runner().invoke(args=["restore"])
    assert result.exit_code == 1
    assert "restore is for an empty instance" in result.output and "holds rows (" in result.output
    assert (
        "holds " in result.output
        and "media" in result.output
        and "Nothing was changed" in result.output
        and "--overwrite" in result.output
    )
    assert media_hashes(app) == files and db.session.scalar(select(db.func.count(Episode.id))) == episodes

    # Only the media folder holds files: refused too.
    db.session.remove()
    shutil.rmtree(app.config["MEDIA_ROOT"])
    media_store(app).put(b"\x89PNG stray", "png")
    db.session.execute(db.delete(Episode))
    result = app.test_cli_runner().invoke(args=["restore"])
    assert result.exit_code == 1 and "media folder" in result.output

    result = app.test_cli_runner().invoke(args=["restore", "--overwrite"])
    assert result.exit_code == 0, result.output
    assert [episode.title for episode in db.session.scalars(select(Episode))] == ["Chapter 1"]
    assert snapshots.rows_naming_missing_files(media_store(app)) == []


@needs_restic
def test_restore_says_when_there_is_no_backup_or_no_such_snapshot(app: Flask, repository: Path) -> None:
    shutil.rmtree(app.config["MEDIA_ROOT"], ignore_errors=True)
    result = app.test_cli_runner().invoke(args=["restore"])
    assert result.exit_code == 1 and "holds no backup of this site" in result.output
    snapshots.take_backup(app)
    result = app.test_cli_runner().invoke(args=["restore", "--snapshot", "ffffffff", "--overwrite"])
    assert result.exit_code == 1 and "no snapshot of this site has an id starting with 'ffffffff'" in result.output


def test_restore_refuses_a_dump_of_another_engine(app: Flask, repository: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snapshots.take_backup(app)
    other = "postgresql" if db.engine.dialect.name == "sqlite" else "sqlite"
    monkeypatch.setattr(snapshots, "engine_of", lambda url: other)
    with pytest.raises(BackupError, match=f"holds a {db.engine.dialect.name} database, and this site is configured for {other}"):
        snapshots.restore_backup(app, overwrite=True)


# Refusals before anything runs: each says what to do, and nothing is written.


def backup_output(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 1
    return result.output


def test_backup_without_restic_says_how_to_install_it(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    assert "restic is not installed, or not on PATH: install it (Debian: apt-get install restic)" in backup_output(app)


@needs_restic
def test_backup_without_a_repository_or_password_says_which(
    app: Flask, repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    password_file = os.environ["RESTIC_PASSWORD_FILE"]
    monkeypatch.delenv("RESTIC_REPOSITORY")
    assert "RESTIC_REPOSITORY is not set" in backup_output(app)
    monkeypatch.setenv("RESTIC_REPOSITORY", str(repository))
    monkeypatch.delenv("RESTIC_PASSWORD_FILE")
    assert "RESTIC_PASSWORD_FILE is not set" in backup_output(app)
    monkeypatch.setenv("RESTIC_PASSWORD_FILE", password_file + ".missing")
    assert f"RESTIC_PASSWORD_FILE names {password_file}.missing, which is not a file" in backup_output(app)
    Path(password_file).write_text("")
    monkeypatch.setenv("RESTIC_PASSWORD_FILE", password_file)
    assert "which is empty" in backup_output(app)
    assert restic.snapshots.__name__ and not list(Path(app.instance_path).glob(".backup-*"))


@needs_restic
def test_backup_with_a_wrong_password_or_no_repository_says_so(
    app: Flask, repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Path(os.environ["RESTIC_PASSWORD_FILE"]).write_text("not the password\n")
    output = backup_output(app)
    assert "the password in RESTIC_PASSWORD_FILE does not open the repository" in output
    assert "not the password" not in output
    monkeypatch.setenv("RESTIC_REPOSITORY", str(repository.parent / "never-made"))
    assert f"there is no restic repository at {repository.parent / 'never-made'}; create one with `restic init`" in backup_output(
        app
    )
    assert not (repository.parent / "never-made").exists()


@needs_restic
def test_a_damaged_repository_fails_its_check(app: Flask, site: SiteBuilder, repository: Path) -> None:
    site.episode(site.series(), panels=1)
    snapshots.take_backup(app)
    assert app.test_cli_runner().invoke(args=["backup", "--check"]).exit_code == 0
    pack = next(path for path in (repository / "data").rglob("*") if path.is_file())
    pack.unlink()
    result = app.test_cli_runner().invoke(args=["backup", "--check"])
    assert result.exit_code == 1 and "the repository check found a problem" in result.output


def test_a_failing_pg_dump_is_reported_and_leaves_no_dump(tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (Debian: apt-get install postgresql-client)")
    dump = tmp_path / "database.pgdump"
    # Nothing listens on port 1: pg_dump cannot connect.
    with pytest.raises(BackupError, match=r"the database dump failed: pg_dump failed: .*(127\.0\.0\.1|connection)"):
        databases.dump_database("postgresql+psycopg://webtoon:s3cret@127.0.0.1:1/webtoon", dump)
    assert not dump.exists()


def test_a_missing_pg_dump_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    with pytest.raises(BackupError, match=r"pg_dump is not installed, or not on PATH: install PostgreSQL's client"):
        databases.dump_database("postgresql+psycopg://webtoon@/webtoon", tmp_path / "database.pgdump")


def test_other_databases_are_refused() -> None:
    with pytest.raises(BackupError, match="a mysql database cannot be backed up: only SQLite and PostgreSQL"):
        databases.engine_of("mysql://webtoon@localhost/webtoon")
    with pytest.raises(BackupError, match="in-memory SQLite"):
        databases.sqlite_path("sqlite://")


def test_no_password_is_ever_on_a_command_line(
    app: Flask, site: SiteBuilder, repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.episode(site.series(), panels=1)
    commands: list[list[str]] = []
    real_run = subprocess.run

    def recording_run(command: list[str], **options: object) -> subprocess.CompletedProcess[str]:
        commands.append(list(command))
        return real_run(command, **options)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(subprocess, "run", recording_run)
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    with pytest.raises(BackupError):
        databases.dump_database(
            "postgresql+psycopg://webtoon:s3cret@127.0.0.1:1/webtoon", Path(app.instance_path) / "never.pgdump"
        )
    assert commands and all(PASSWORD not in " ".join(command) and "s3cret" not in " ".join(command) for command in commands)
    assert PASSWORD not in result.output


def test_the_database_password_goes_in_the_environment() -> None:
    conninfo, environment = databases.libpq_settings(
        "postgresql+psycopg://web'toon:s3cret@db.example:5433/webtoon?sslmode=require"
    )
    assert conninfo == "dbname='webtoon' host='db.example' port='5433' user='web\\'toon' sslmode='require'"
    assert environment == {"PGPASSWORD": "s3cret"}


def test_deletions_and_sweeps_wait_while_a_backup_holds_them(tmp_path: Path) -> None:
    from comics.images.storage import MediaStore

    store = MediaStore(tmp_path / "media")
    name = store.put(panel_png(), "png")
    os.utime(store.path_of(name), (0, 0))  # long past the grace
    with store.holding_deletions():
        store.delete([name])
        report = store.sweep(set(), grace_seconds=0)
        assert store.exists(name) and report.held and report.removed == []
    assert store.sweep(set(), grace_seconds=0).removed == [name]


def test_backup_of_a_database_without_the_sites_tables_says_so(app: Flask, repository: Path) -> None:
    db.drop_all()
    assert "holds none of the site's tables (`flask --app app db upgrade` makes them): nothing to back up" in backup_output(app)
    assert restic.snapshots() == []


def test_a_killed_backups_copy_of_the_database_is_removed_by_the_next(app: Flask, repository: Path) -> None:
    leftover = Path(app.instance_path) / ".backup-killed-test"
    leftover.mkdir(mode=0o700, exist_ok=True)
    (leftover / "database.sqlite").write_bytes(b"a copy of the database")
    os.utime(leftover, (0, 0))
    snapshots.take_backup(app)
    assert not leftover.exists()


def test_a_password_inside_the_repositorys_address_is_never_shown() -> None:
    assert restic.shown_location("rest:https://backup:s3cret@backup.example.org:8000/webtoon") == (
        "rest:https://backup:***@backup.example.org:8000/webtoon"
    )
    assert restic.shown_location("sftp:backup@host:/srv/restic") == "sftp:backup@host:/srv/restic"
