"""Bytes per episode of each part of an offline edition of the demo, against WEBTOON-style JPEGs, and time.

Loads the demo into a temporary app, exports it (reader, CBZ, slides, video), and writes the figures
into docs/editions.md between its "bench" markers. WEBTOON-style: each panel at 800 px, baseline JPEG
q90 4:2:0 with no Huffman optimisation (docs/imaging.md). Run: .venv/bin/python bench/bench_editions.py
"""
from __future__ import annotations

import io
import re
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from comics.demo.loader import load_demo  # noqa: E402
from comics.editions.content import collect_edition  # noqa: E402
from comics.editions.export import EditionOptions, write_edition  # noqa: E402
from comics.editions.jpeg import fit_width  # noqa: E402
from comics.images.media_store import media_store  # noqa: E402
from extensions import db  # noqa: E402

DOC = ROOT / "docs" / "editions.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def webtoon_style_bytes(masters: list[Path]) -> int:
    total = 0
    for path in masters:
        with Image.open(path) as image:
            buffer = io.BytesIO()
            fit_width(image.convert("RGB")).save(buffer, "JPEG", quality=90, subsampling="4:2:0")
            total += len(buffer.getvalue())
    return total


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'db.sqlite'}", "MEDIA_ROOT": str(folder / "media"), "CACHE_TYPE": "NullCache"})
        with app.app_context():
            db.create_all()
            load_demo()
            content = collect_edition(media_store(), (), ("en",))
            started = time.perf_counter()
            report = write_edition(content, folder / "edition", EditionOptions(languages=("en",)))
            seconds = time.perf_counter() - started
        edition = folder / "edition"
        rows = ["| episode | WEBTOON-style JPEGs | reader panels | CBZ | TV slides | video (MP4) | subtitles |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for episode in content.episodes():
            size = lambda pattern: sum(p.stat().st_size for p in edition.glob(pattern))  # noqa: E731
            base = webtoon_style_bytes([panel.master for panel in episode.panels])
            panels = size(f"en/{episode.series_slug}/{episode.number:03d}/*.jpg")
            cells = [base, panels, size(f"cbz/en/{episode.stem}.cbz"), size(f"tv/en/{episode.stem}/*.jpg"), size(f"video/en/{episode.stem}.mp4"), size(f"video/en/{episode.stem}.srt")]
            rows.append(f"| {episode.number} ({len(episode.panels)} panels) | " + " | ".join(f"{cell / 1000:.0f} kB" for cell in cells[:5]) + f" | {cells[5] / 1000:.1f} kB |")
            rows[-1] = rows[-1].replace(f"| {panels / 1000:.0f} kB |", f"| {panels / 1000:.0f} kB ({panels / base:.3f}×) |", 1)
        per_episode = seconds / max(1, report.episodes)
        figures = "\n".join([*rows, "", f"Export time: {seconds:.1f} s for {report.episodes} episodes, {per_episode:.1f} s per episode "
                             f"(videos included, x264 on {2} threads; {report.files} files, {report.bytes / 1e6:.1f} MB)."])
    print(figures)
    text = DOC.read_text()
    DOC.write_text(re.sub(re.escape(START) + ".*?" + re.escape(END), f"{START}\n{figures}\n{END}", text, flags=re.DOTALL))


if __name__ == "__main__":
    main()
