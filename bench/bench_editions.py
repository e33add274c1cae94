"""Bytes per episode of each part of an offline edition of the demo, against WEBTOON-style JPEGs, and time.

Loads the demo into a temporary app, exports it (reader, CBZ, slides, video), and writes the figures
into docs/editions.md between its "bench" markers. WEBTOON-style: each panel at 800 px, baseline JPEG
q90 4:2:0 with no Huffman optimisation (docs/imaging.md). The reader's panels are compared with it in
bytes and in SSIM (bench/measures.py: Wang et al., mean over R, G and B, against the lossless 800 px
resize), the same rule the site's renditions follow. Run: .venv/bin/python bench/bench_editions.py
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
sys.path.insert(0, str(ROOT / "bench"))

from measures import ssim  # noqa: E402

from app import create_app  # noqa: E402
from comics.demo.loader import load_demo  # noqa: E402
from comics.editions.export import EditionOptions, write_edition  # noqa: E402
from comics.editions.jpeg import fit_width  # noqa: E402
from comics.editions.records import collect_edition  # noqa: E402
from comics.site_images import media_store  # noqa: E402
from extensions import db  # noqa: E402

DOC = ROOT / "docs" / "editions.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def webtoon_style_bytes(masters: list[Path], pages: list[Path]) -> tuple[int, float, float]:
    """Return the WEBTOON-style JPEGs' bytes, and their mean SSIM and the edition pages' mean SSIM."""
    total, reference, ours = 0, 0.0, 0.0
    for master, page in zip(masters, pages, strict=True):
        with Image.open(master) as image:
            lossless = fit_width(image.convert("RGB"))
        buffer = io.BytesIO()
        lossless.save(buffer, "JPEG", quality=90, subsampling="4:2:0")
        total += len(buffer.getvalue())
        reference += ssim(lossless, Image.open(io.BytesIO(buffer.getvalue())))
        with Image.open(page) as encoded:
            ours += ssim(lossless, encoded)
    return total, reference / len(masters), ours / len(masters)


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
        rows = ["| episode | WEBTOON-style JPEGs | reader panels | CBZ | TV slides | video (MP4) | subtitles | SSIM: WEBTOON-style, ours |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        all_base = all_panels = 0
        for episode in content.episodes():
            size = lambda pattern: sum(p.stat().st_size for p in edition.glob(pattern))  # noqa: E731
            pages = sorted(edition.glob(f"en/{episode.series_slug}/{episode.number:03d}/*.jpg"))
            base, reference, ours = webtoon_style_bytes([panel.master for panel in episode.panels], pages)
            panels = size(f"en/{episode.series_slug}/{episode.number:03d}/*.jpg")
            all_base, all_panels = all_base + base, all_panels + panels
            cells = [base, panels, size(f"cbz/en/{episode.stem}.cbz"), size(f"tv/en/{episode.stem}/*.jpg"), size(f"video/en/{episode.stem}.mp4"), size(f"video/en/{episode.stem}.srt")]
            rows.append(f"| {episode.number} ({len(episode.panels)} panels) | " + " | ".join(f"{cell / 1000:.0f} kB" for cell in cells[:5]) + f" | {cells[5] / 1000:.1f} kB | {reference:.5f}, {ours:.5f} |")
            rows[-1] = rows[-1].replace(f"| {panels / 1000:.0f} kB |", f"| {panels / 1000:.0f} kB ({panels / base:.3f}×) |", 1)
        per_episode = seconds / max(1, report.episodes)
        figures = "\n".join([*rows, "", f"Reader panels and CBZ pages (jpegli q83, baseline): {all_panels / all_base:.3f}× the WEBTOON-style bytes.",
                             "", f"Export time: {seconds:.1f} s for {report.episodes} episodes, {per_episode:.1f} s per episode "
                             f"(videos included, x264 on {2} threads; {report.files} files, {report.bytes / 1e6:.1f} MB)."])
    print(figures)
    text = DOC.read_text()
    DOC.write_text(re.sub(re.escape(START) + ".*?" + re.escape(END), f"{START}\n{figures}\n{END}", text, flags=re.DOTALL))


if __name__ == "__main__":
    main()
