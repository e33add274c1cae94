"""Bytes per episode of each part of an offline edition of the demo, against WEBTOON-style JPEGs, and time.

Loads the demo into a temporary app, exports it (reader, CBZ, slides, video), and writes the figures
into docs/editions.md between its "bench" markers. WEBTOON-style: each panel at 800 px, baseline JPEG
q90 4:2:0 with no Huffman optimisation (docs/imaging.md). The reader's panels are compared with it in
bytes and in SSIM (bench/measures.py: Wang et al., mean over R, G and B, against the lossless 800 px
resize), the same rule the site's renditions follow. Run: .venv/bin/python bench/bench_editions.py

With --encoders it measures only the page encoders over every panel of the demo (both languages), each
against the WEBTOON-style JPEGs of the same run, and writes that table between the "encoders" markers.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyjpegli
from PIL import Image
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from measures import ssim  # noqa: E402

from app import create_app  # noqa: E402
from comics.demo.loader import load_demo  # noqa: E402
from comics.editions.export import EditionOptions, write_edition  # noqa: E402
from comics.editions.jpeg import PAGE_QUALITY, encode_page, fit_width, page_encoder  # noqa: E402
from comics.editions.records import collect_edition  # noqa: E402
from comics.images.models import StoredImage  # noqa: E402
from comics.models import Panel  # noqa: E402
from comics.site_images import media_store  # noqa: E402
from extensions import db  # noqa: E402

DOC = ROOT / "docs" / "editions.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
ENCODERS_START, ENCODERS_END = "<!-- bench-encoders:start -->", "<!-- bench-encoders:end -->"


def libjpeg(image: Image.Image, quality: int, optimize: bool) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, subsampling="4:2:0", optimize=optimize)
    return buffer.getvalue()


def jpegli(image: Image.Image, quality: int, optimize: bool) -> bytes:
    data = bytes(pyjpegli.encode(image.tobytes(), image.width, image.height, quality))
    if optimize:
        jpegtran = shutil.which("jpegtran")
        if jpegtran is None:
            raise SystemExit("--encoders needs jpegtran (Debian: libjpeg-turbo-progs)")
        data = subprocess.run([jpegtran, "-optimize", "-copy", "none"], input=data, capture_output=True, check=True).stdout
    return data


def encoder_table(masters: list[Path]) -> str:
    """Return the page encoders' bytes and SSIM over these masters at 800 px, against WEBTOON-style q90."""
    contenders = [("libjpeg-turbo", "q90 4:2:0 (WEBTOON-style)", lambda image: libjpeg(image, 90, False)),
                  ("libjpeg-turbo", "q90 4:2:0 optimised", lambda image: libjpeg(image, 90, True)),
                  ("jpegli", "q82", lambda image: jpegli(image, 82, False)),
                  ("jpegli", "q83", lambda image: jpegli(image, 83, False)),
                  ("jpegli + jpegtran -optimize", "q82", lambda image: jpegli(image, 82, True)),
                  ("jpegli + jpegtran -optimize", "q83", lambda image: jpegli(image, 83, True)),
                  ("the edition's pages", page_encoder(), lambda image: encode_page(image).data)]
    sizes = [0] * len(contenders)
    scores = [0.0] * len(contenders)
    for master in masters:
        with Image.open(master) as opened:
            lossless = fit_width(opened.convert("RGB"))
        for index, (_, _, encode) in enumerate(contenders):
            data = encode(lossless)
            sizes[index] += len(data)
            with Image.open(io.BytesIO(data)) as decoded:
                scores[index] += ssim(lossless, decoded)
    reference = scores[0] / len(masters)
    rows = [f"Over {len(masters)} panels (both languages), at 800 px; the pages' quality is q{PAGE_QUALITY}.", "",
            "| encoder | settings | × WEBTOON-style bytes | SSIM | parity |", "|---|---|---:|---:|:---:|"]
    for index, (encoder, settings, _) in enumerate(contenders):
        mean = scores[index] / len(masters)
        rows.append(f"| {encoder} | {settings} | {sizes[index] / sizes[0]:.3f} | {mean:.5f} | {'yes' if mean >= reference else 'no'} |")
    return "\n".join(rows)


def write_between(start: str, end: str, figures: str) -> None:
    text = DOC.read_text()
    DOC.write_text(re.sub(re.escape(start) + ".*?" + re.escape(end), f"{start}\n{figures}\n{end}", text, flags=re.DOTALL))


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
            if "--encoders" in sys.argv:
                store = media_store()
                names = sorted(set(db.session.scalars(select(StoredImage.master).join(Panel, Panel.image_id == StoredImage.id))))
                table = encoder_table([store.path_of(name) for name in names])
                print(table)
                write_between(ENCODERS_START, ENCODERS_END, table)
                return
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
        figures = "\n".join([*rows, "", f"Reader panels and CBZ pages ({page_encoder()}, baseline): {all_panels / all_base:.3f}× the WEBTOON-style bytes.",
                             "", f"Export time: {seconds:.1f} s for {report.episodes} episodes, {per_episode:.1f} s per episode "
                             f"(videos included, x264 on {2} threads; {report.files} files, {report.bytes / 1e6:.1f} MB)."])
    print(figures)
    write_between(START, END, figures)


if __name__ == "__main__":
    main()
