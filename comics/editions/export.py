"""Build an offline edition: the reader, CBZs, TV slides, videos and subtitles, README and checksums.

The edition is built in a hidden folder beside the destination and moved into place only when whole,
so a refusal or a failure leaves nothing behind. Nothing in it depends on when or where it was built:
the same published content gives the same bytes (the ZIP too).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from comics.editions import slides, video
from comics.editions.cbz import build_cbz
from comics.editions.html_reader import ReaderPages, panel_path
from comics.editions.jpeg import encode_page, page_name
from comics.editions.readme import CHECKSUMS, README, checksums_text, readme_text
from comics.editions.records import LANGUAGES, NEUTRAL, EditionContent, EditionRefused, EpisodeContent, Imprint, SeriesContent
from comics.editions.registers import NORTH
from comics.editions.reproducible_zips import zip_folder
from comics.editions.scroll_plan import srt_text

Progress = Callable[[str], None]
# Told after each episode: how many are written, of how many (the studio's progress bar).
EpisodesDone = Callable[[int, int], None]

# Inside a staging folder while its export runs, locked (flock) by that export: a lock the kernel drops
# when the process ends, however it ends, so a later export can tell a dead export's folder from a live one.
STAGING_LOCK = ".export-in-progress"


@dataclass(frozen=True)
class EditionOptions:
    """What to put in an edition; everything by default."""

    slugs: tuple[str, ...] = ()
    languages: tuple[str, ...] = LANGUAGES
    imprint: Imprint = NEUTRAL
    slides: bool = True
    videos: bool = True
    # The Korean README's and reader's words: the North's by default (comics/editions/registers.py).
    register: str = NORTH


@dataclass
class EditionReport:
    """What an export made, and what it could not."""

    files: int = 0
    bytes: int = 0
    episodes: int = 0
    skipped: list[str] = field(default_factory=list)


def check_destination(out_dir: Path) -> None:
    """Refuse a destination that holds files already, or whose folder cannot be written."""
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise EditionRefused(f"{out_dir} is not an empty folder: choose a new or empty one, so nothing is overwritten.")
    parent = out_dir.resolve().parent
    if not parent.is_dir():
        raise EditionRefused(f"The folder {parent} does not exist.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise EditionRefused(f"The folder {parent} cannot be written to.")


class EditionWriter:
    """Writes one edition's files into a folder."""

    def __init__(self, root: Path, options: EditionOptions, progress: Progress, episode_done: EpisodesDone | None = None) -> None:
        self.root = root
        self.options = options
        self.progress = progress
        self.episode_done = episode_done
        self.pages = ReaderPages(options.imprint, options.register)
        self.report = EditionReport()
        self.video_problem: str | None = None
        if options.videos:
            try:
                video.find_ffmpeg()
            except video.VideoUnavailable as problem:
                self.video_problem = str(problem)
                self.report.skipped.append(self.video_problem)
                progress(f"No videos: {problem}.")

    def write(self, name: str, data: bytes) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def edition(self, content: EditionContent) -> None:
        """Write everything: assets, pages, per-episode files, then README and checksums."""
        for name, data in self.pages.assets():
            self.write(name, data)
        self.write(*self.pages.index(content))
        total = len(content.episodes())
        for language, shelf in content.shelves:
            for series in shelf:
                self.write(*self.pages.series(series))
                for position, episode in enumerate(series.episodes):
                    self.report.episodes += 1
                    self.progress(f"[{self.report.episodes}/{total}] {language} {series.title} {episode.number}: {episode.title}")
                    self.episode(series, position)
                    if self.episode_done is not None:
                        self.episode_done(self.report.episodes, total)
        made_videos = self.options.videos and self.video_problem is None
        self.write(README, readme_text(content, made_videos, self.options.imprint, self.options.register))
        self.write(CHECKSUMS, checksums_text(self.root, exclude=(CHECKSUMS, STAGING_LOCK)))

    def episode(self, series: SeriesContent, position: int) -> None:
        """Write one episode's panels, page, CBZ, slides, video and subtitles."""
        episode = series.episodes[position]
        # Decoded once for the pages, the slides and the video (copies: open_masters closes each file).
        masters = [image.copy() for image in slides.open_masters(panel.master for panel in episode.panels)]
        pages = [encode_page(image) for image in masters]
        for index, page in enumerate(pages):
            self.write(panel_path(episode, index), page.data)
        self.write(*self.pages.episode(series, position, pages))
        self.write(f"cbz/{episode.language}/{episode.stem}.cbz", build_cbz(episode, pages, self.options.imprint))
        if self.options.slides:
            self.slides(episode, masters)
        if self.options.videos and self.video_problem is None:
            self.video(episode, masters)

    def slides(self, episode: EpisodeContent, masters: list[Image.Image]) -> None:
        for index, data in enumerate(slides.render_slides(masters)):
            self.write(f"tv/{episode.language}/{episode.stem}/{page_name(index)}", data)

    def video(self, episode: EpisodeContent, masters: list[Image.Image]) -> None:
        # From the masters, not the 800 px pages: a column up to 960 px wide needs no second lossy step.
        column = video.video_column(masters)
        transcripts = [panel.transcript for panel in episode.panels]
        plan = video.episode_plan(column, transcripts)
        folder = self.root / "video" / episode.language
        folder.mkdir(parents=True, exist_ok=True)
        try:
            video.render_video(column, plan, folder / f"{episode.stem}.mp4")
        except video.VideoUnavailable as problem:
            self.video_problem = str(problem)
            self.report.skipped.append(self.video_problem)
            self.progress(f"No videos: {problem}.")
            return
        subtitles = srt_text(plan, transcripts)
        if subtitles:  # an episode without words has no subtitles, and an empty .srt puzzles some players
            self.write(f"video/{episode.language}/{episode.stem}.srt", subtitles)


def count_files(root: Path, report: EditionReport) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            report.files += 1
            report.bytes += path.stat().st_size


def remove_stale_staging(out_dir: Path) -> list[Path]:
    """Remove the staging folders earlier exports to this destination left when they were killed.

    Only folders named as this destination's staging and holding an unlocked STAGING_LOCK are removed:
    another export running now holds its lock, and nothing else beside the destination is touched.
    """
    removed = []
    for folder in sorted(out_dir.parent.glob(f".{out_dir.name}-*")):
        marker = folder / STAGING_LOCK
        if not folder.is_dir() or folder.is_symlink() or not marker.is_file():
            continue
        with marker.open("rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its export is still running
            shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def write_edition(
    content: EditionContent,
    out_dir: Path,
    options: EditionOptions,
    progress: Progress = lambda _: None,
    episode_done: EpisodesDone | None = None,
) -> EditionReport:
    """Write an edition of this content into out_dir (new or empty), whole or not at all.

    It is built in a hidden folder beside out_dir and moved into place at the end. Stopped by an
    exception or a SIGTERM turned into one (comics.editions.cli), it removes that folder itself;
    killed outright, it leaves the folder locked by nobody, and the next export to out_dir removes it.
    """
    check_destination(out_dir)
    out_dir = out_dir.resolve()
    for stale in remove_stale_staging(out_dir):
        progress(f"Removed {stale.name}, left by an export that was stopped.")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    except OSError as error:
        raise EditionRefused(f"The folder {out_dir.parent} cannot be written to: {error.strerror}.") from None
    marker = staging / STAGING_LOCK
    try:
        with marker.open("wb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            writer = EditionWriter(staging, options, progress, episode_done)
            writer.edition(content)
            marker.unlink()  # still locked through the open handle until the folder is in place
            staging.chmod(0o755)  # mkdtemp's folder is private; an edition is for anyone who holds it
            if out_dir.exists():
                out_dir.rmdir()
            staging.replace(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    count_files(out_dir, writer.report)
    return writer.report


def write_edition_zip(folder: Path, archive: Path) -> None:
    """Write the edition folder as one deterministic ZIP, its files under the folder's name."""
    partial = archive.with_name(f".{archive.name}.part")
    try:
        with partial.open("wb") as stream:
            zip_folder(folder, stream, prefix=f"{folder.name}/")
        partial.replace(archive)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()

