"""What a TV shows: videos its hardware player trusts, subtitles in step with them, slides that fill it."""
from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from comics.editions import video
from comics.editions.records import NEUTRAL, collect_edition
from comics.editions.scroll_plan import ScrollPlan
from comics.editions.slides import READABLE_WIDTH, SLIDE_SIZE, open_masters, render_slides
from comics.site_images import media_store
from tests.comics.editions.checks import require_tool, run
from tests.comics.editions.conftest import Exported
from tests.conftest import panel_png

CUE_TIME = re.compile(r"(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)")
# The slides before this change: an 800×613 picture centred on a 1920×1080 slide.
OLD_PICTURE_AREA = 800 * 613
# The demo's panels (comics/demo): 800 px masters, taller than a screen.
DEMO_PANELS = [(800, 1280), (800, 1200), (800, 1150), (800, 1280)]


def probe(path: Path, *entries: str) -> dict[str, Any]:
    ffprobe = require_tool("ffprobe")
    answer: dict[str, Any] = json.loads(run(ffprobe, "-v", "error", "-select_streams", "v:0", *entries, "-of", "json", str(path)))
    return answer


def test_every_video_decodes_without_a_word_with_rising_timestamps_from_zero(exported: Exported) -> None:
    ffmpeg = require_tool("ffmpeg")
    videos = sorted(exported.first.glob("video/*/*.mp4"))
    assert len(videos) == 4
    for path in videos:
        command = [ffmpeg, "-v", "error", "-i", str(path), "-f", "null", "-"]
        decoded = subprocess.run(command, capture_output=True, text=True, check=True)
        assert decoded.stdout + decoded.stderr == "", f"{path.name}: {decoded.stderr}"
        packets = probe(path, "-show_entries", "packet=pts,dts")["packets"]
        decode_times = [int(packet["dts"]) for packet in packets]
        assert all(a < b for a, b in zip(decode_times, decode_times[1:], strict=False)), f"{path.name}: decode times do not rise"
        assert [int(packet["pts"]) for packet in packets] == decode_times, f"{path.name}: frames out of order (B-frames)"
        frames = probe(path, "-show_entries", "frame=pts_time")["frames"]
        assert float(frames[0]["pts_time"]) == 0.0
        (stream,) = probe(path, "-show_entries", "stream=has_b_frames")["streams"]
        assert int(stream["has_b_frames"]) == 0


def seconds(hours: str, minutes: str, secs: str, milliseconds: str) -> float:
    return int(hours) * 3600 + int(minutes) * 60 + int(secs) + int(milliseconds) / 1000


def cue_times(srt: str) -> list[tuple[float, float]]:
    return [(seconds(*match.groups()[:4]), seconds(*match.groups()[4:])) for match in CUE_TIME.finditer(srt)]


def test_each_subtitle_starts_and_ends_with_its_slide_and_the_last_by_the_videos_end(exported: Exported) -> None:
    with exported.app.app_context():
        content = collect_edition(media_store(), (), ("ko", "en"), NEUTRAL)
    checked = 0
    for episode in content.episodes():
        srt = exported.first / "video" / episode.language / f"{episode.stem}.srt"
        if not srt.exists():
            continue
        transcripts = [panel.transcript for panel in episode.panels]
        column = video.video_column(open_masters(panel.master for panel in episode.panels))
        plan: ScrollPlan = video.episode_plan(column, transcripts)
        frame = 1 / plan.fps
        spoken = [stop for stop in plan.stops if transcripts[stop.panel].strip()]
        cues = cue_times(srt.read_text())
        assert len(cues) == len(spoken)
        for (start, end), stop in zip(cues, spoken, strict=True):
            assert abs(start - stop.first_frame * frame) < frame, (srt.name, start, stop)
            assert abs(end - (stop.first_frame + stop.frames) * frame) < frame, (srt.name, end, stop)
        duration = float(probe(srt.with_suffix(".mp4"), "-show_entries", "format=duration")["format"]["duration"])
        assert abs(duration - plan.seconds) < frame, f"{srt.name}: the video is {duration} s, its plan {plan.seconds} s"
        assert cues[-1][1] <= duration
        checked += 1
    assert checked == 3


def picture_box(slide: bytes) -> tuple[int, int, int, int]:
    """Return the box of what is not black on a slide (a JPEG's ringing stays well under 32)."""
    with Image.open(io.BytesIO(slide)) as image:
        assert image.size == SLIDE_SIZE
        box = image.convert("L").point(lambda value: 255 if value > 32 else 0).getbbox()
    assert box is not None
    return box


def panels_of(sizes: list[tuple[int, int]]) -> list[Image.Image]:
    return [Image.open(io.BytesIO(panel_png(width, height))) for width, height in sizes]


@pytest.mark.parametrize("scale", [1, 2], ids=["800px-masters", "1600px-masters"])
def test_slides_of_demo_like_panels_fill_the_screens_height_at_a_readable_size(scale: int) -> None:
    sizes = [(width * scale, height * scale) for width, height in DEMO_PANELS]
    slides = list(render_slides(panels_of(sizes)))
    assert len(slides) == len(sizes)  # each panel whole on its own slide
    for slide, (width, _) in zip(slides, sizes, strict=True):
        left, top, right, bottom = picture_box(slide)
        assert bottom - top >= 0.9 * SLIDE_SIZE[1]
        assert (right - left) * (bottom - top) >= 1.3 * OLD_PICTURE_AREA
        assert READABLE_WIDTH <= right - left <= width


def test_a_small_panel_is_never_upscaled() -> None:
    (slide,) = render_slides(panels_of([(400, 600)]))
    left, top, right, bottom = picture_box(slide)
    assert (right - left, bottom - top) == (400, 600)


def test_a_very_tall_panel_is_cut_into_readable_screens_that_fill_the_height() -> None:
    slides = list(render_slides(panels_of([(800, 4000)])))
    boxes = [picture_box(slide) for slide in slides]
    assert len(slides) == 4  # 3200 rows at 640 px: four screens, so 777 px wide fills them
    for left, top, right, bottom in boxes:
        assert READABLE_WIDTH <= right - left <= 800
        assert bottom - top <= SLIDE_SIZE[1]
    assert all(bottom - top >= 0.9 * SLIDE_SIZE[1] for _, top, _, bottom in boxes[:-1])


def frame_at(path: Path, frame: int, fps: int) -> Image.Image:
    """Return one decoded frame of a video, by its number."""
    ffmpeg = require_tool("ffmpeg")
    command = [
        ffmpeg,
        "-v",
        "error",
        "-i",
        str(path),
        "-vf",
        f"select=eq(n\\,{frame})",
        "-frames:v",
        "1",
        "-f",
        "image2pipe",
        "-c:v",
        "png",
        "-",
    ]
    return Image.open(io.BytesIO(subprocess.run(command, capture_output=True, check=True).stdout))


def test_a_video_shows_demo_like_panels_at_their_masters_width_filling_the_frames_height(tmp_path: Path) -> None:
    require_tool("ffmpeg")
    column = video.video_column(panels_of(DEMO_PANELS[:2]))
    plan = video.episode_plan(column, ["", ""])
    path = tmp_path / "episode.mp4"
    video.render_video(column, plan, path)
    for stop in plan.stops:
        picture = frame_at(path, stop.first_frame, plan.fps)
        assert picture.size == video.FRAME_SIZE
        box = picture.convert("L").point(lambda value: 255 if value > 32 else 0).getbbox()
        assert box is not None
        left, top, right, bottom = box
        # 800 px masters at their own width, over the whole height: 1.25× the old 640 px column's width.
        assert right - left >= 790 and bottom - top >= 0.9 * video.FRAME_SIZE[1]
        assert (right - left) * (bottom - top) >= 1.25 * 640 * 0.9 * video.FRAME_SIZE[1]


@pytest.mark.parametrize(("master", "shown"), [(1600, 960), (800, 800), (500, 500)])
def test_a_video_column_is_as_wide_as_its_master_up_to_three_quarters_of_the_frame(master: int, shown: int) -> None:
    (panel,) = video.video_column(panels_of([(master, master * 2)]))
    assert panel.width == shown and panel.width <= video.LARGEST_COLUMN


def test_the_scroll_moves_down_a_panel_taller_than_the_frame_and_rests_on_its_bottom() -> None:
    plan = video.episode_plan([Image.new("RGB", (800, 2000)), Image.new("RGB", (800, 500))], ["A long panel.", ""])
    tall = plan.stops[0]
    seen = plan.offsets[tall.first_frame : tall.first_frame + tall.frames]
    assert seen[0] == 0 and seen[-1] == 2000 - video.FRAME_SIZE[1]  # from its top to its bottom
    assert list(seen) == sorted(seen)
    assert seen.count(seen[-1]) >= plan.fps  # a second's rest on its bottom, within the panel's cue
