"""An edition of a small bilingual catalogue: what is in it, that it says nothing else, and that it repeats."""
from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import signal
import zipfile
from pathlib import Path

import pytest
from flask import Flask

from comics.editions.cli import stopped_cleanly_by_sigterm
from comics.editions.export import STAGING_LOCK, EditionOptions, write_edition
from comics.editions.records import EditionRefused, Imprint, collect_edition
from comics.editions.reproducible_zips import FIXED_TIME
from comics.site_images import media_store
from tests.comics.editions.checks import WEB_ADDRESS, check_comic_info, check_jpeg, files_of, require_tool, run
from tests.comics.editions.conftest import Exported, export
from tests.conftest import SiteBuilder

TEXT_SUFFIXES = (".html", ".css", ".js", ".txt", ".srt", ".xml")


def relative_files(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in files_of(root))


def test_the_edition_holds_each_published_episode_in_each_language(exported: Exported) -> None:
    names = set(relative_files(exported.first))
    for language in ("en", "ko"):
        for number, panels in ((1, 2), (2, 3) if language == "en" else (2, 2)):
            stem = f"lantern-{number:03d}"
            assert f"{language}/lantern/{number:03d}.html" in names
            assert {f"{language}/lantern/{number:03d}/{i:04d}.jpg" for i in range(1, panels + 1)} <= names
            assert f"cbz/{language}/{stem}.cbz" in names
            assert f"tv/{language}/{stem}/0001.jpg" in names
    assert {"index.html", "README.txt", "SHA256SUMS.txt", "assets/reader.css", "assets/reader.js"} <= names
    # The draft is not there, in any form.
    assert not any("lantern/003" in name or "lantern-003" in name for name in names)


def test_two_exports_are_byte_identical(exported: Exported) -> None:
    assert relative_files(exported.first) == relative_files(exported.second)
    for name in relative_files(exported.first):
        assert (exported.first / name).read_bytes() == (exported.second / name).read_bytes(), name
    assert exported.first_zip.read_bytes() == exported.second_zip.read_bytes()


def test_the_archive_holds_every_file_at_one_fixed_time_with_nothing_else(exported: Exported) -> None:
    with zipfile.ZipFile(exported.first_zip) as archive:
        infos = archive.infolist()
        assert [info.filename for info in infos] == ["edition/" + name for name in relative_files(exported.first)]
        for info in infos:
            assert info.date_time == FIXED_TIME
            assert info.external_attr >> 16 == 0o100644
            assert info.extra == b"" and info.comment == b""
            assert info.flag_bits & 0x08 == 0  # no data descriptor
        assert archive.comment == b""


def test_every_jpeg_is_baseline_and_bare(exported: Exported) -> None:
    jpegs = [path for path in files_of(exported.first) if path.suffix == ".jpg"]
    assert jpegs
    for path in jpegs:
        check_jpeg(path.read_bytes(), str(path))
    for path in exported.first.glob("cbz/*/*.cbz"):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith(".jpg"):
                    check_jpeg(archive.read(name), f"{path.name}:{name}")


def test_panels_are_at_most_800_wide_and_slides_fill_the_screen(exported: Exported) -> None:
    from PIL import Image

    for path in exported.first.glob("*/lantern/*/*.jpg"):
        with Image.open(path) as image:
            assert image.width <= 800
    for path in exported.first.glob("tv/*/*/*.jpg"):
        with Image.open(path) as image:
            assert image.size == (1920, 1080)


def test_each_cbz_has_comic_info_following_the_schema(exported: Exported) -> None:
    cbzs = sorted(exported.first.glob("cbz/*/*.cbz"))
    assert len(cbzs) == 4
    for path in cbzs:
        with zipfile.ZipFile(path) as archive:
            pages = sorted(name for name in archive.namelist() if name.endswith(".jpg"))
            root = check_comic_info(archive.read("ComicInfo.xml"))
            fields = {child.tag: child.text or "" for child in root if child.tag != "Pages"}
            assert int(fields["PageCount"]) == len(pages) == len(root.find("Pages") or [])
            for page, name in zip(root.find("Pages") or [], pages, strict=True):
                assert int(page.attrib["ImageSize"]) == archive.getinfo(name).file_size
            language = path.parent.name
            assert fields["LanguageISO"] == language
            assert fields["Format"] == "Web" and fields["Manga"] == "No" and "Webtoon" in fields["Genre"]
            assert fields["Writer"] == fields["Penciller"] == ("하늘" if language == "ko" else "Haneul")
            assert fields["Series"] == ("등불" if language == "ko" else "The Lantern")
            assert "Publisher" not in fields and "Web" not in fields
            # The same facts as ComicBookInfo in the ZIP comment, which is all calibre reads; neutral too.
            book = json.loads(archive.comment)["ComicBookInfo/1.0"]
            assert (book["title"], book["series"], book["issue"], book["language"]) == (
                fields["Title"], fields["Series"], fields["Number"], language
            )
            assert {(credit["person"], credit["role"]) for credit in book["credits"]} >= {
                (fields["Writer"], "Writer"), (fields["Writer"], "Artist")
            }
            assert "publisher" not in book


def test_no_text_file_of_a_neutral_edition_holds_a_web_address(exported: Exported) -> None:
    for path in files_of(exported.first):
        if path.suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8-sig")
            assert not WEB_ADDRESS.search(text), f"{path}: {WEB_ADDRESS.search(text)}"
            assert "Support Mina" not in text and "Free Lines" not in text
    for path in exported.first.glob("cbz/*/*.cbz"):
        with zipfile.ZipFile(path) as archive:
            assert not WEB_ADDRESS.search(archive.read("ComicInfo.xml").decode())
    # The transcript's own words stay, its address goes.
    page = (exported.first / "en/lantern/001.html").read_text()
    assert "Mirae: Look! See for more." in page and "secret" not in page


def test_the_checksums_cover_every_other_file(exported: Exported) -> None:
    lines = (exported.first / "SHA256SUMS.txt").read_text().splitlines()
    listed = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    expected = [name for name in relative_files(exported.first) if name != "SHA256SUMS.txt"]
    assert sorted(listed) == expected
    for name, digest in listed.items():
        assert hashlib.sha256((exported.first / name).read_bytes()).hexdigest() == digest


def test_the_readme_is_in_korean_and_english(exported: Exported) -> None:
    text = (exported.first / "README.txt").read_text(encoding="utf-8-sig")
    assert "index.html" in text and "여는 방법" in text and "How to open it" in text
    # The Korean half speaks the North's words by default (test_registers.py has both registers).
    assert "등불 (하늘): 2편" in text and "The Lantern (Haneul): 2 episodes" in text
    for word in ("콤퓨터", "손전화", "텔레비죤", "index.html을", "Computer", "Phone", "Television", "media player"):
        assert word in text


def test_no_file_carries_metadata_dates_or_encoder_names(exported: Exported) -> None:
    exiftool = require_tool("exiftool")
    # -G: group names; -a: duplicates too; -j: JSON. The File group is the filesystem's, not the file's.
    output = run(exiftool, "-j", "-G", "-a", "-r", "-ext", "jpg", "-ext", "mp4", str(exported.first))
    tags_seen: set[str] = set()
    for record in json.loads(output):
        for key, value in record.items():
            group, _, tag = key.partition(":")
            if group in ("File", "ExifTool", "SourceFile", "Composite") or key == "SourceFile":
                continue
            tags_seen.add(key)
            assert group not in ("EXIF", "XMP", "ICC_Profile", "IPTC", "Photoshop", "APP14"), f"{record['SourceFile']}: {key}"
            assert "Comment" not in tag and "Software" not in tag and "Encoder" not in tag, f"{record['SourceFile']}: {key}={value}"
            if "Date" in tag:
                assert set(str(value)) <= set("0: "), f"{record['SourceFile']}: {key}={value}"
            if tag == "CompressorName":
                assert not str(value).strip(), f"{record['SourceFile']}: {key}={value}"
    assert "JFIF:JFIFVersion" in tags_seen  # exiftool did read the JPEGs


def test_videos_are_h264_main_at_most_level_4_with_no_tags(exported: Exported) -> None:
    ffprobe = require_tool("ffprobe")
    videos = sorted(exported.first.glob("video/*/*.mp4"))
    assert len(videos) == 4
    for path in videos:
        info = json.loads(run(ffprobe, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)))
        (stream,) = info["streams"]
        assert stream["codec_name"] == "h264" and stream["profile"] == "Main"
        assert stream["level"] <= 40 and stream["pix_fmt"] == "yuv420p"
        assert (stream["width"], stream["height"]) == (1280, 720)
        tags = {**info["format"].get("tags", {}), **stream.get("tags", {})}
        assert not {"encoder", "creation_time", "comment", "handler_name"} & {key.lower() for key in tags if tags[key] not in ("", "VideoHandler")}, tags
        assert "encoder" not in tags and "creation_time" not in tags
        # +faststart: the index (moov) comes before the pictures (mdat).
        head = path.read_bytes()[:4096]
        assert 0 <= head.find(b"moov") < max(head.find(b"mdat"), 4096)
    # Subtitles beside each video whose episode has words (the English second episode has none).
    assert sorted(path.name for path in exported.first.glob("video/*/*.srt")) == ["lantern-001.srt", "lantern-001.srt", "lantern-002.srt"]
    for path in exported.first.glob("video/*/*.srt"):
        subtitles = path.read_bytes().decode()
        assert subtitles.startswith("1\r\n00:00:00,000 --> ")


def test_an_edition_for_outside_names_the_site(exported: Exported, tmp_path: Path) -> None:
    app = exported.app
    imprint = Imprint(site_name="Free Lines", site_url="https://freelines.example")
    out = export(app, tmp_path / "outside", imprint, videos=False)
    assert "https://freelines.example" in (out / "README.txt").read_text(encoding="utf-8-sig")
    assert "Free Lines" in (out / "index.html").read_text()
    with zipfile.ZipFile(next(out.glob("cbz/en/*.cbz"))) as archive:
        root = check_comic_info(archive.read("ComicInfo.xml"))
    assert root.findtext("Publisher") == "Free Lines" and root.findtext("Web") == "https://freelines.example"


# --- refusals: each says why, and writes nothing ------------------------------------------------------


def test_nothing_published_is_refused(app: Flask, site: SiteBuilder, tmp_path: Path) -> None:
    site.episode(site.series(), publish=False)
    with pytest.raises(EditionRefused, match="Nothing is published"):
        collect_edition(media_store())


@pytest.mark.parametrize(("slug", "message"), [("nowhere", "There is no series 'nowhere'"), ("drafts", "has no published episode")])
def test_a_series_not_there_is_refused(app: Flask, site: SiteBuilder, slug: str, message: str) -> None:
    artist = site.artist()
    site.episode(site.series(artist))
    site.episode(site.series(artist, slug="drafts", title="Drafts"), publish=False)
    with pytest.raises(EditionRefused, match=message):
        collect_edition(media_store(), (slug,))


def test_the_cli_writes_an_edition_and_refuses_with_reasons(app: Flask, site: SiteBuilder, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    empty = runner.invoke(args=["export-offline", str(tmp_path / "none")])
    assert empty.exit_code == 1 and "Nothing is published" in empty.output
    assert not (tmp_path / "none").exists()

    site.episode(site.series())
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine")
    refused = runner.invoke(args=["export-offline", str(taken)])
    assert refused.exit_code == 1 and "not an empty folder" in refused.output
    assert [path.name for path in taken.iterdir()] == ["keep.txt"]

    unknown = runner.invoke(args=["export-offline", str(tmp_path / "x"), "--series", "nowhere"])
    assert unknown.exit_code == 1 and "no series 'nowhere'" in unknown.output and not (tmp_path / "x").exists()

    result = runner.invoke(args=["export-offline", str(tmp_path / "edition"), "--language", "en", "--no-video", "--zip"])
    assert result.exit_code == 0, result.output
    assert "[1/1] en River 1: Chapter 1" in result.output
    assert (tmp_path / "edition" / "index.html").is_file() and (tmp_path / "edition.zip").is_file()
    assert not any(tmp_path.glob(".*"))  # no staging folder or partial archive left


def test_an_unwritable_folder_is_refused(app: Flask, site: SiteBuilder, tmp_path: Path) -> None:
    site.episode(site.series())
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if (locked / "probe").parent.stat().st_mode and _can_write(locked):
            pytest.skip("running as a user who can write anywhere (root)")
        content = collect_edition(media_store())
        with pytest.raises(EditionRefused, match="cannot be written"):
            write_edition(content, locked / "edition", EditionOptions(videos=False))
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_the_next_export_removes_what_a_killed_one_left_and_nothing_else(app: Flask, site: SiteBuilder, tmp_path: Path) -> None:
    """A SIGKILL or a power cut leaves the hidden build folder; the next export to that destination
    removes it, but not one whose export still runs, nor anything else beside it."""
    site.episode(site.series())
    dead, live, other = tmp_path / ".edition-deadbeef", tmp_path / ".edition-running", tmp_path / ".notes"
    for folder in (dead, live, other):
        folder.mkdir()
        (folder / "0001.jpg").write_bytes(b"half an episode")
    for folder in (dead, live):
        (folder / STAGING_LOCK).write_bytes(b"")
    with (live / STAGING_LOCK).open("rb") as running:
        fcntl.flock(running, fcntl.LOCK_EX)
        messages: list[str] = []
        write_edition(collect_edition(media_store()), tmp_path / "edition", EditionOptions(videos=False), messages.append)
    assert not dead.exists() and live.exists() and other.exists()
    assert "Removed .edition-deadbeef, left by an export that was stopped." in messages
    edition = tmp_path / "edition"
    assert not (edition / STAGING_LOCK).exists() and STAGING_LOCK not in (edition / "SHA256SUMS.txt").read_text()


def test_a_sigterm_stops_an_export_and_leaves_no_build_folder(app: Flask, site: SiteBuilder, tmp_path: Path) -> None:
    site.episode(site.series())
    out = tmp_path / "out"
    out.mkdir()

    def terminated_midway(message: str) -> None:
        if message.startswith("[1/"):
            os.kill(os.getpid(), signal.SIGTERM)  # as systemd or `kill` would, while an episode is written

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as stopped, stopped_cleanly_by_sigterm():
        write_edition(collect_edition(media_store()), out / "edition", EditionOptions(videos=False), terminated_midway)
    assert stopped.value.code == 128 + signal.SIGTERM
    assert list(out.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) == before  # the export's handler lasts only while it runs


def _can_write(folder: Path) -> bool:
    try:
        (folder / ".probe").write_bytes(b"")
    except PermissionError:
        return False
    (folder / ".probe").unlink()
    return True


def test_build_cbz_is_one_function_of_an_episode_and_its_pages(app: Flask, site: SiteBuilder) -> None:
    from comics.editions.cbz import build_cbz
    from comics.editions.jpeg import encode_page
    from comics.editions.records import episode_content
    from comics.editions.slides import open_masters

    episode = episode_content(site.episode(site.series(), panels=3), media_store())
    pages = [encode_page(image) for image in open_masters(panel.master for panel in episode.panels)]
    data = build_cbz(episode, pages)
    assert data == build_cbz(episode, pages)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["0001.jpg", "0002.jpg", "0003.jpg", "ComicInfo.xml"]


def test_korean_pages_of_the_edition_break_lines_between_words(exported: Exported) -> None:
    """The same rule as the site's (tests/comics/test_browser_languages.py measures it there), for old
    browsers too: word-wrap is overflow-wrap's older name."""
    css = (exported.first / "assets" / "reader.css").read_text()
    assert ":lang(ko) { word-break: keep-all; word-wrap: break-word; overflow-wrap: anywhere; }" in css
    assert 'lang="ko"' in (exported.first / "index.html").read_text() or any(
        'lang="ko"' in path.read_text() for path in exported.first.glob("**/*.html")
    )
