"""Measure the rendition pipeline: speed against naive Pillow and pyvips, bytes, quality and memory.

    python bench/bench_renditions.py           # the figures quoted in docs/imaging.md (~2 min, 2 cores)
    python bench/bench_renditions.py --sweep   # also the encoder sweeps the settings came from (~6 min)
    python bench/bench_renditions.py --speed   # only the timings, to repeat on a quiet machine (~2 min)

SSIM and PSNR need numpy, a benchmark-only dependency (pip install -e '.[bench]'); without it those
figures are skipped and the rest still runs. pyvips is optional too (it needs libvips): without it its
rows are skipped. Inputs are the comic-like pages and strips of tests/imagegen.py, generated on the
fly, so every run measures the same pictures.

The contenders take turns, round after round, so load from other processes on a shared machine falls
on all of them alike; wall times are the median round, with the best round and the load average
printed alongside. Results are printed and also written to bench/results/latest.md (ignored by git).
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # a script run from a checkout: the app and its test helpers

from PIL import Image, features  # noqa: E402

from comics.images import encoding, opening, pipeline  # noqa: E402
from tests import imagegen  # noqa: E402

try:
    import numpy as np  # SSIM and PSNR only; the timings and memory figures do not need it
except ImportError:
    # "unused-ignore" too: without numpy installed, mypy takes np for Any and the assignment is fine.
    np = None  # type: ignore[assignment, unused-ignore]

# Load Pillow's codec modules before libvips: libvips pulls in the system libwebp and libaom with
# global symbols, and a codec module loaded after it could bind to those instead of Pillow's own.
from PIL import _avif, _webp  # noqa: E402, F401

try:
    import pyvips
except (ImportError, OSError):  # the module, or libvips itself, is missing
    pyvips = None

REPEATS = 5
LINES: list[str] = []


def say(line: str = "") -> None:
    """Print a line and keep it for the results file."""
    print(line, flush=True)
    LINES.append(line)


# --- measures --------------------------------------------------------------------------------------


def _gaussian(sigma: float = 1.5, radius: int = 5) -> np.ndarray:
    x = np.arange(-radius, radius + 1)
    kernel = np.exp(-(x**2) / (2 * sigma**2))
    normalised: np.ndarray = kernel / kernel.sum()
    return normalised


_KERNEL = _gaussian() if np is not None else None


def _blur(a: np.ndarray) -> np.ndarray:
    """Return a separable 11-tap Gaussian blur (sigma 1.5) with reflected edges."""
    kernel = _KERNEL
    assert kernel is not None, "SSIM needs numpy"
    r = len(kernel) // 2
    padded = np.pad(a, ((r, r), (0, 0)), mode="reflect")
    a = sum(kernel[i] * padded[i : i + a.shape[0]] for i in range(len(kernel)))
    padded = np.pad(a, ((0, 0), (r, r)), mode="reflect")
    blurred: np.ndarray = sum(kernel[i] * padded[:, i : i + a.shape[1]] for i in range(len(kernel)))
    return blurred


def ssim(reference: Image.Image, test: Image.Image) -> float:
    """Return SSIM (Wang et al. 2004, Gaussian window) averaged over R, G and B."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    a = np.asarray(reference.convert("RGB"), dtype=np.float64)
    b = np.asarray(test.convert("RGB"), dtype=np.float64)
    scores = []
    for channel in range(3):
        x, y = a[..., channel], b[..., channel]
        mx, my = _blur(x), _blur(y)
        sxx, syy, sxy = _blur(x * x) - mx * mx, _blur(y * y) - my * my, _blur(x * y) - mx * my
        score = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
        scores.append(score.mean())
    return float(np.mean(scores))


def psnr(a: Image.Image, b: Image.Image) -> float:
    """Return the PSNR in dB between two same-sized RGB images (99 when identical)."""
    diff = np.asarray(a.convert("RGB"), dtype=np.float64) - np.asarray(b.convert("RGB"), dtype=np.float64)
    mse = float((diff**2).mean())
    return 99.0 if mse == 0 else 10 * np.log10(255**2 / mse)


def timed(run: Callable[[], object], repeats: int = REPEATS) -> tuple[float, float]:
    """Return the median (wall, CPU) seconds of several runs."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


@dataclass
class Timing:
    """Seconds per run of one contender: median and best wall time, median CPU time of this process."""

    wall: float
    best: float
    cpu: float


def take_turns(contenders: dict[str, Callable[[], object]]) -> dict[str, Timing]:
    """Time every contender once per round, for REPEATS rounds, so background load hits all alike."""
    walls: dict[str, list[float]] = {name: [] for name in contenders}
    cpus: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(REPEATS):
        for name, run in contenders.items():
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            walls[name].append(time.perf_counter() - wall)
            cpus[name].append(time.process_time() - cpu)
    return {
        name: Timing(statistics.median(walls[name]), min(walls[name]), statistics.median(cpus[name]))
        for name in contenders
    }


def load_average() -> str:
    """Return the 1-minute load average, the other processes competing for the cores."""
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- the contenders --------------------------------------------------------------------------------

PILLOW_FORMATS = {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG"}
Encoder = Callable[[Image.Image, str], bytes]


def ours_from_master(master_bytes: bytes, threads: int | None = None) -> list[encoding.EncodedRendition]:
    """Decode the master once and render every default spec from it."""
    master = decode(master_bytes)
    return encoding.render_renditions(master, encoding.rendition_specs(master.width), threads=threads)


def naive(source: bytes, widths: Sequence[int], encoder: Encoder) -> list[bytes]:
    """For every width and format: decode the full source, Lanczos-resize it, encode; one at a time."""
    outputs = []
    for width in widths:
        for format in encoding.FORMATS:
            image = decode(source).convert("RGB")
            size = (width, encoding.scaled_height(image.width, image.height, width))
            outputs.append(encoder(image.resize(size, Image.Resampling.LANCZOS), format))
    return outputs


# The naive pipeline with our quality settings, run as plain Pillow runs them: libavif takes a thread
# per core on its own, WebP and JPEG encode on the one calling thread. It gets no thread pool.
same_settings: Encoder = encoding.encode_rendition
# The same on strictly one thread (libavif told max_threads=1), for the single-threaded ratio.
same_settings_one_thread: Encoder = partial(encoding.encode_rendition, threads=1)


def pillow_defaults(image: Image.Image, format: str) -> bytes:
    """Encode as most code does: Pillow's default quality and speed for each format."""
    buffer = io.BytesIO()
    image.save(buffer, PILLOW_FORMATS[format])
    return buffer.getvalue()


def vips_renditions(source: bytes, widths: Sequence[int]) -> list[bytes]:
    """Shrink-on-load thumbnail per width, then each format at settings matching ours."""
    outputs = []
    for width in widths:
        # Render the thumbnail into memory once; PNG is read sequentially and cannot be replayed.
        thumb = pyvips.Image.thumbnail_buffer(source, width, height=100_000, size="down").copy_memory()
        # libvips effort = 9 - aom speed; its AVIF Q scale is libheif's, not libavif's (see docs).
        avif_effort = 9 - int(encoding.AVIF_SETTINGS["speed"])
        outputs.append(
            thumb.heifsave_buffer(Q=encoding.AVIF_SETTINGS["quality"], effort=avif_effort, compression="av1", strip=True)
        )
        outputs.append(
            thumb.webpsave_buffer(
                Q=round(float(encoding.WEBP_SETTINGS["quality"])),
                effort=encoding.WEBP_SETTINGS["method"],
                strip=True,
            )
        )
        outputs.append(
            thumb.jpegsave_buffer(Q=encoding.JPEG_SETTINGS["quality"], interlace=True, optimize_coding=True, strip=True)
        )
    return outputs


def ours_from_upload(upload: bytes, threads: int | None = None) -> list[encoding.EncodedRendition]:
    """Run an upload through prepare_panels and render every slice."""
    slices, _ = pipeline.prepare_panels(upload, "scan.jpg")
    renditions = []
    for piece in slices:
        renditions.extend(encoding.render_renditions(piece, encoding.rendition_specs(piece.width), threads=threads))
    return renditions


# --- sections --------------------------------------------------------------------------------------


def comic_masters() -> list[tuple[str, Image.Image]]:
    """Return the four 1600x1280 slices measured: three digital pages and one scanned."""
    pages = [(f"digital page {seed}", imagegen.comic_page(1600, 1280, seed=seed)) for seed in (1, 2, 3)]
    pages.append(("scanned page", imagegen.scanned(imagegen.comic_page(1600, 1280, seed=4))))
    return pages


OURS = "ours: one decode, a resize per width, encodes on a thread per core"
OURS_ONE_THREAD = "ours on one thread (libavif too)"
NAIVE = "naive, same encoder settings (libavif on every core, as Pillow runs it)"
NAIVE_ONE_THREAD = "naive, same encoder settings, one thread (libavif too)"
NAIVE_DEFAULTS = "naive, Pillow's default encoder settings"
VIPS = "pyvips thumbnail, matching settings"


def mean_timing(timings: Sequence[Timing]) -> Timing:
    """Return the mean of several timings, field by field."""
    return Timing(
        statistics.mean(t.wall for t in timings),
        statistics.mean(t.best for t in timings),
        statistics.mean(t.cpu for t in timings),
    )


def speed_table(timings: dict[str, Timing]) -> None:
    """Print timings with each contender's time relative to ours (wall and CPU)."""
    ours = timings[OURS]
    say("| pipeline | wall ms | best wall ms | CPU ms | wall / ours | CPU / ours |")
    say("|---|---:|---:|---:|---:|---:|")
    for name, timing in timings.items():
        say(
            f"| {name} | {timing.wall * 1000:.0f} | {timing.best * 1000:.0f} | {timing.cpu * 1000:.0f}"
            f" | {timing.wall / ours.wall:.2f}x | {timing.cpu / ours.cpu:.2f}x |"
        )
    say()


def contenders_for(
    source: bytes, widths: Sequence[int], ours: Callable[..., object], vips_label: str
) -> dict[str, Callable[[], object]]:
    """Return the pipelines timed against each other on one input: ours two ways, naive three, pyvips."""
    contenders: dict[str, Callable[[], object]] = {
        OURS: partial(ours, source),
        OURS_ONE_THREAD: partial(ours, source, threads=1),
        NAIVE: partial(naive, source, widths, same_settings),
        NAIVE_ONE_THREAD: partial(naive, source, widths, same_settings_one_thread),
        NAIVE_DEFAULTS: partial(naive, source, widths, pillow_defaults),
    }
    if pyvips is not None:
        contenders[vips_label] = partial(vips_renditions, source, widths)
    return contenders


def bench_speed_per_slice(masters: list[tuple[str, Image.Image]]) -> dict[str, Timing]:
    """Time all renditions of one 1600x1280 slice: ours (two ways), naive Pillow (three ways), pyvips."""
    say(f"## Rendition time per 1600x1280 slice (3 widths x 3 formats = 9 files), median of {REPEATS} rounds")
    say()
    widths = sorted({spec.width for spec in encoding.rendition_specs(1600)})
    per_slice: list[dict[str, Timing]] = []
    load_before = load_average()
    for _, master in masters:
        data = encoding.encode_master(master)
        per_slice.append(take_turns(contenders_for(data, widths, ours_from_master, VIPS)))
    timings = {name: mean_timing([t[name] for t in per_slice]) for name in per_slice[0]}
    say(f"Mean of the four slices. Load average {load_before} before, {load_average()} after.")
    say()
    speed_table(timings)
    return timings


def bench_stages(masters: list[tuple[str, Image.Image]]) -> None:
    """Show where the CPU time goes, so a missed speed target can be explained."""
    master = masters[0][1]
    data = encoding.encode_master(master)
    resized = {width: encoding.resized(master, width) for width in encoding.DEFAULT_WIDTHS}
    say("## Where the CPU time goes (digital page 1, one thread, median of 5)")
    say()
    say("| stage | CPU ms |")
    say("|---|---:|")

    def cpu_ms(run: Callable[[], object]) -> float:
        return timed(run, 5)[1] * 1000

    say(f"| decode the PNG master once | {cpu_ms(lambda: decode(data)):.0f} |")
    for width in sorted(encoding.DEFAULT_WIDTHS, reverse=True):
        milliseconds = cpu_ms(partial(encoding.resized, master, width))
        say(f"| resize 1600 -> {width} (Lanczos, from the master) | {milliseconds:.0f} |")
    for format in encoding.FORMATS:
        total = sum(cpu_ms(partial(same_settings_one_thread, image, format)) for image in resized.values())
        say(f"| encode {format}, all three widths | {total:.0f} |")
    say(f"| (not a rendition) encode the master, PNG level 3 | {cpu_ms(lambda: encoding.encode_master(master)):.0f} |")
    say()


MASTER_THEN_RENDITIONS = "master PNG first, then the renditions (until 2026-11-21)"
MASTER_BESIDE_RENDITIONS = "master PNG beside the renditions (encode_master_and_renditions)"


def master_then_renditions(master: Image.Image) -> None:
    encoding.encode_master(master)
    encoding.render_renditions(master, encoding.rendition_specs(master.width))


def master_beside_renditions(master: Image.Image) -> None:
    encoding.encode_master_and_renditions(master, encoding.rendition_specs(master.width))


def bench_ingest_slice(masters: list[tuple[str, Image.Image]]) -> None:
    """Time what ingest does per slice: the master's PNG and every rendition, in turn or overlapped."""
    say(f"## What ingest encodes per 1600x1280 slice: the master PNG and 9 renditions, median of {REPEATS} rounds")
    say()
    load_before = load_average()
    per_slice = [
        take_turns(
            {
                MASTER_THEN_RENDITIONS: partial(master_then_renditions, master),
                MASTER_BESIDE_RENDITIONS: partial(master_beside_renditions, master),
            }
        )
        for _, master in masters
    ]
    timings = {name: mean_timing([t[name] for t in per_slice]) for name in per_slice[0]}
    say(f"Mean of the four slices. Load average {load_before} before, {load_average()} after.")
    say()
    before, now = timings[MASTER_THEN_RENDITIONS], timings[MASTER_BESIDE_RENDITIONS]
    say("| ingest, per slice | wall ms | best wall ms | CPU ms |")
    say("|---|---:|---:|---:|")
    for name, timing in timings.items():
        say(f"| {name} | {timing.wall * 1000:.0f} | {timing.best * 1000:.0f} | {timing.cpu * 1000:.0f} |")
    say()
    say(f"Overlapped, the slice takes {now.wall / before.wall:.2f}x the time (median), {now.best / before.best:.2f}x (best).")
    say()


SCAN_OURS = "ours: draft decode, master, 2 slices, encodes on a thread per core"
SCAN_OURS_ONE_THREAD = "ours on one thread (libavif too)"


def bench_scan_upload() -> dict[str, Timing]:
    """Time a 2480x3508 scanned page (A4 at 300 dpi, JPEG q95) from upload bytes to every rendition."""
    page = imagegen.scanned(imagegen.comic_page(2480, 3508, seed=11, supersample=1))
    upload = imagegen.encode(page, "JPEG", quality=95)
    widths = list(encoding.DEFAULT_WIDTHS)
    say(f"## A scanned A4 page at 300 dpi (2480x3508 JPEG): upload bytes to every rendition, median of {REPEATS}")
    say()
    contenders = contenders_for(upload, widths, ours_from_upload, VIPS + " (shrink-on-load)")
    load_before = load_average()
    timings = take_turns(contenders)
    say("Ours makes a 1600 px master and two slices, so 18 files; naive and pyvips make 9 from the page.")
    say(f"Load average {load_before} before, {load_average()} after.")
    say()
    speed_table(timings)
    return timings


def bench_bytes(masters: list[tuple[str, Image.Image]]) -> dict[str, float]:
    """Compare bytes at 800 px with a WEBTOON-style baseline (800 px JPEG q90) and report SSIM."""
    say("## Bytes at 800 px against a WEBTOON-style 800 px JPEG q90 (SSIM against the lossless 800 px resize)")
    say()
    say("| image | baseline JPEG q90 | our AVIF | our WebP | our JPEG |")
    say("|---|---:|---:|---:|---:|")
    totals: dict[str, int] = {"baseline": 0, "avif": 0, "webp": 0, "jpeg": 0}
    scores: dict[str, list[float]] = {name: [] for name in totals}
    for label, master in masters:
        reference = encoding.resized(master, 800)
        baseline = imagegen.encode(reference, "JPEG", quality=90)
        outputs = {"baseline": baseline}
        # Exactly what the pipeline writes (its AVIF encodes run on one libaom thread each).
        specs = encoding.rendition_specs(master.width, widths=(800,))
        outputs.update({r.format: r.data for r in encoding.render_renditions(master, specs)})
        cells = []
        for name, data in outputs.items():
            score = ssim(reference, decode(data)) if np is not None else float("nan")
            totals[name] += len(data)
            scores[name].append(score)
            cells.append(f"{len(data) / 1000:.0f} kB, SSIM {score:.4f}".replace("nan", "n/a"))
        say(f"| {label} | " + " | ".join(cells) + " |")
    ratios = {name: totals[name] / totals["baseline"] for name in totals}
    means = {name: statistics.mean(values) for name, values in scores.items()}
    say(
        "| **all four** | "
        + " | ".join(f"{totals[n] / 4000:.0f} kB, {ratios[n]:.3f}x, SSIM {means[n]:.5f}" for n in totals)
        + " |"
    )
    say()
    return {
        "avif_ratio": ratios["avif"],
        "webp_ratio": ratios["webp"],
        "jpeg_ratio": ratios["jpeg"],
        **{f"ssim_{n}": v for n, v in means.items()},
    }


def bench_psnr(masters: list[tuple[str, Image.Image]]) -> dict[str, float]:
    """Compare our output with the naive pipeline's: its decoded files, and its resized pixels."""
    say("## Our output against the naive pipeline's (same encoder settings), PSNR over the four slices")
    say()
    say("Naive = full decode of the master, Lanczos to the width, encode, as Pillow runs it (libavif on")
    say("every core; ours gives each AVIF encode one thread, and libaom's output depends on its thread")
    say("count). 99 dB means identical.")
    say()
    widths = sorted(encoding.DEFAULT_WIDTHS, reverse=True)
    against_files: dict[tuple[str, int], list[float]] = {}
    against_pixels: dict[tuple[str, int], list[float]] = {}
    naive_own: dict[tuple[str, int], list[float]] = {}
    pixels: dict[int, list[float]] = {width: [] for width in widths}
    for _, master in masters:
        data = encoding.encode_master(master)
        ours = {(r.format, r.width): decode(r.data) for r in ours_from_master(data)}
        naive_files = naive(data, widths, same_settings)
        decoded_master = decode(data).convert("RGB")
        for index, (width, format) in enumerate((w, f) for w in widths for f in encoding.FORMATS):
            naive_pixels = decoded_master.resize(ours[(format, width)].size, Image.Resampling.LANCZOS)
            if format == encoding.FORMATS[0]:
                pixels[width].append(psnr(encoding.resized(master, width), naive_pixels))
            naive_file = decode(naive_files[index])
            against_files.setdefault((format, width), []).append(psnr(ours[(format, width)], naive_file))
            against_pixels.setdefault((format, width), []).append(psnr(ours[(format, width)], naive_pixels))
            naive_own.setdefault((format, width), []).append(psnr(naive_file, naive_pixels))
    say("| compared | worst | mean |")
    say("|---|---:|---:|")
    for width, scores in pixels.items():
        worst, mean = min(scores), np.mean(scores)
        say(f"| our resized pixels vs naive resized pixels, {width} px | {worst:.1f} dB | {mean:.1f} dB |")
    for (format, width), scores in against_files.items():
        worst, mean = min(scores), np.mean(scores)
        say(f"| our {format} file vs naive {format} file, {width} px | {worst:.1f} dB | {mean:.1f} dB |")
    say()
    say("The stricter reading: our decoded file against the naive pipeline's lossless resized pixels,")
    say("next to the naive pipeline's own file against the same pixels (the encoder's own loss).")
    say()
    say("| format, width | ours vs naive pixels: worst | mean | naive's own file vs its pixels: worst | mean |")
    say("|---|---:|---:|---:|---:|")
    for key, scores in against_pixels.items():
        own = naive_own[key]
        say(
            f"| {key[0]}, {key[1]} px | {min(scores):.1f} dB | {np.mean(scores):.1f} dB"
            f" | {min(own):.1f} dB | {np.mean(own):.1f} dB |"
        )
    say()
    return {
        "pixels_worst": min(min(v) for v in pixels.values()),
        "files_worst": min(min(v) for v in against_files.values()),
        "files_mean_worst": min(float(np.mean(v)) for v in against_files.values()),
        "vs_pixels_worst": min(min(v) for v in against_pixels.values()),
        "naive_own_worst": min(min(v) for v in naive_own.values()),
    }


def master_formats(masters: list[tuple[str, Image.Image]]) -> None:
    """Print size and time of the lossless master candidates."""
    say("## Master format candidates (mean over the four 1600x1280 slices)")
    say()
    say("| format | kB | encode ms | decode ms |")
    say("|---|---:|---:|---:|")
    candidates: list[tuple[str, str, dict[str, object]]] = [
        ("PNG, zlib level 1", "PNG", {"compress_level": 1}),
        ("PNG, zlib level 3 (chosen)", "PNG", {"compress_level": 3}),
        ("PNG, zlib level 6 (Pillow default)", "PNG", {"compress_level": 6}),
        ("WebP lossless, method 0", "WEBP", {"lossless": True, "quality": 0, "method": 0}),
        ("WebP lossless, method 4", "WEBP", {"lossless": True, "quality": 100, "method": 4}),
    ]
    for label, format, params in candidates:
        sizes, encodes, decodes = [], [], []
        for _, master in masters:
            started = time.perf_counter()
            data = imagegen.encode(master, format, **params)
            encodes.append(time.perf_counter() - started)
            sizes.append(len(data))
            decodes.append(timed(partial(decode, data))[0])
        say(
            f"| {label} | {statistics.mean(sizes) / 1000:.0f} | {statistics.mean(encodes) * 1000:.0f}"
            f" | {statistics.mean(decodes) * 1000:.0f} |"
        )
    say()


# The child imports only the pipeline, so the figure is what an upload costs in a web or RQ worker.
MEMORY_CHILD = """
import json, sys, time
from pathlib import Path
from comics import imaging


def high_water_kb():
    # VmHWM starts afresh at exec; ru_maxrss would carry over the (much bigger) parent's.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


before = high_water_kb()
started = time.perf_counter()
slices, _ = pipeline.prepare_panels(Path(sys.argv[1]), "strip.png")
count, files = len(slices), 0
while slices:
    piece = slices.pop(0)  # each slice is let go once stored, as the ingest loop does
    _, renditions = encoding.encode_master_and_renditions(piece, encoding.rendition_specs(piece.width))
    files += 1 + len(renditions)
print(json.dumps({"before_kb": before, "peak_kb": high_water_kb(), "slices": count, "files": files,
                  "seconds": time.perf_counter() - started}))
"""


def bench_memory() -> dict[str, float]:
    """Measure peak RSS of importing an 800x30000 strip in a fresh process."""
    strip, _ = imagegen.comic_strip(800, 30_000)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "strip.png"
        strip.save(path, "PNG", compress_level=3)
        size = path.stat().st_size
        del strip
        output = subprocess.run(
            [sys.executable, "-c", MEMORY_CHILD, str(path)], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
    result = json.loads(output)
    say("## Peak memory: an 800x30000 strip PNG through prepare_panels, masters and renditions (fresh process)")
    say()
    say("| measure | value |")
    say("|---|---:|")
    say(f"| upload size | {size / 1e6:.1f} MB |")
    say(f"| slices / files written | {result['slices']} / {result['files']} |")
    say(f"| peak RSS after importing Pillow and the pipeline | {result['before_kb'] / 1024:.0f} MB |")
    say(f"| peak RSS of the whole import (VmHWM) | {result['peak_kb'] / 1024:.0f} MB |")
    say(f"| time | {result['seconds']:.1f} s |")
    say()
    return {"peak_mb": result["peak_kb"] / 1024}


Trial = tuple[str, str, dict[str, object]]


def sweep_trials() -> list[Trial]:
    """Return the encoder settings the sweep tries, the chosen ones among them."""
    progressive = {"progressive": True, "optimize": True}
    trials: list[Trial] = [("JPEG", "baseline q90 (WEBTOON-style)", {"quality": 90})]
    trials += [("JPEG", f"q{q} progressive optimize", {"quality": q, **progressive}) for q in (88, 89, 90)]
    trials += [
        ("JPEG", "q90 optimize, not progressive", {"quality": 90, "optimize": True}),
        ("JPEG", "q90 progressive optimize 4:4:4", {"quality": 90, "subsampling": "4:4:4", **progressive}),
        ("JPEG", "q85 progressive optimize 4:4:4", {"quality": 85, "subsampling": "4:4:4", **progressive}),
        ("JPEG", 'qtables "web_high", progressive optimize', {"qtables": "web_high", **progressive}),
    ]
    trials += [
        ("WEBP", f"q{q:g} method {m}", {"quality": q, "method": m}) for m in (4, 5, 6) for q in (86, 88, 88.5, 89, 90)
    ]
    trials += [
        ("AVIF", f"q{q} speed {s}", {"quality": q, "speed": s})
        for s in (6, 7, 8, 9)
        for q in ((60, 65, 70, 75) if s != 8 else (65, 70, 71, 72, 75))
    ]
    trials += [
        ("AVIF", f"q{q} speed 8 4:4:4", {"quality": q, "speed": 8, "subsampling": "4:4:4"}) for q in (65, 68, 70)
    ]
    trials += [
        ("AVIF", "q71 speed 8 limited range", {"quality": 71, "speed": 8, "range": "limited"}),
        ("AVIF", "q71 speed 8 tune=ssim", {"quality": 71, "speed": 8, "advanced": {"tune": "ssim"}}),
        ("AVIF", "q71 speed 8 sharpness=2", {"quality": 71, "speed": 8, "advanced": {"sharpness": "2"}}),
        # libaom options that trade bytes for CPU at speed 8, or try to win back speed 9's bytes.
        ("AVIF", "q71 speed 8 palette off", {"quality": 71, "speed": 8, "advanced": {"enable-palette": "0"}}),
        ("AVIF", "q71 speed 8 intra DCT only", {"quality": 71, "speed": 8, "advanced": {"use-intra-dct-only": "1"}}),
        ("AVIF", "q71 speed 9 screen content", {"quality": 71, "speed": 9, "advanced": {"tune-content": "screen"}}),
        ("AVIF", "q74 speed 9", {"quality": 74, "speed": 9}),
        ("AVIF", "q82 speed 9 delta-q off", {"quality": 82, "speed": 9, "advanced": {"deltaq-mode": "0"}}),
    ]
    return trials


def sweep(masters: list[tuple[str, Image.Image]]) -> None:
    """Print bytes, SSIM and encode time per setting at 800 px, the basis of the chosen settings."""
    references = [encoding.resized(m, 800) for _, m in masters]
    baseline = [imagegen.encode(reference, "JPEG", quality=90) for reference in references]
    baseline_bytes = sum(len(data) for data in baseline)
    baseline_ssim = statistics.mean(ssim(r, decode(d)) for r, d in zip(references, baseline, strict=True))
    say("## Quality sweep at 800 px (mean over the four slices; CPU of one encode on one thread)")
    say()
    say(f"Parity means an SSIM at least the baseline's, {baseline_ssim:.5f}.")
    say()
    say("| encoder | settings | kB | x baseline bytes | SSIM | parity | CPU ms |")
    say("|---|---|---:|---:|---:|:---:|---:|")
    for format, label, params in sweep_trials():
        if format == "AVIF":
            params = {**params, "max_threads": 1}
        sizes, scores, seconds = [], [], []
        for reference in references:
            started = time.process_time()
            data = imagegen.encode(reference, format, **params)
            seconds.append(time.process_time() - started)
            sizes.append(len(data))
            scores.append(ssim(reference, decode(data)))
        score = float(np.mean(scores))
        say(
            f"| {format} | {label} | {np.mean(sizes) / 1000:.1f} | {sum(sizes) / baseline_bytes:.3f}"
            f" | {score:.5f} | {'yes' if score >= baseline_ssim else 'no'} | {np.mean(seconds) * 1000:.0f} |"
        )
    say()
    sweep_per_page(masters, references, baseline)
    sweep_webp_page_search(masters)
    if pyvips is not None:
        sweep_vips_webp(references, baseline, baseline_ssim)
    sweep_threading(masters)
    sweep_jpeg_upload()


def sweep_per_page(
    masters: list[tuple[str, Image.Image]], references: list[Image.Image], baseline: list[bytes]
) -> None:
    """Print, per page, the lowest quality reaching that page's baseline SSIM, and the bytes it takes."""
    say("## Parity page by page: the lowest quality whose SSIM reaches that page's baseline SSIM")
    say()
    say("| encoder | " + " | ".join(label for label, _ in masters) + " | all four |")
    say("|---|" + "---:|" * (len(masters) + 1))
    encoders: list[tuple[str, str, dict[str, object]]] = [
        ("WebP method 5", "WEBP", dict(encoding.WEBP_SETTINGS)),
        ("AVIF speed 8", "AVIF", {**encoding.AVIF_SETTINGS, "max_threads": 1}),
    ]
    for name, format, params in encoders:
        cells, total = [], 0
        for reference, base in zip(references, baseline, strict=True):
            target = ssim(reference, decode(base))
            for quality in range(50, 101):
                data = imagegen.encode(reference, format, **{**params, "quality": quality})
                if ssim(reference, decode(data)) >= target:
                    break
            total += len(data)
            cells.append(f"q{quality}: {len(data) / len(base):.2f}x")
        say(f"| {name} | " + " | ".join(cells) + f" | {total / sum(len(b) for b in baseline):.3f}x |")
    say()


def sweep_webp_page_search(masters: list[tuple[str, Image.Image]]) -> None:
    """Time a per-page WebP quality search, as the pipeline would run it, and report the bytes it reaches."""
    say("## WebP quality searched page by page: the lowest quality reaching each page's own baseline SSIM")
    say()
    say("Binary search at 800 px, one SSIM per step; CPU is the search's, per slice, on one thread.")
    say()
    say("| method | search range | qualities chosen | x baseline bytes | search CPU ms per slice |")
    say("|---|---|---|---:|---:|")
    references = [encoding.resized(master, 800) for _, master in masters]
    for method in (5, 6):
        for lowest in (80, 50):
            started, chosen, total, baseline_total = time.process_time(), [], 0, 0
            for reference in references:
                baseline = imagegen.encode(reference, "JPEG", quality=90)
                target = ssim(reference, decode(baseline))
                low, high, best, found = lowest, 96, b"", 100
                while low <= high:  # assumes SSIM rises with quality; it does not always (see docs)
                    quality = (low + high) // 2
                    data = imagegen.encode(reference, "WEBP", quality=quality, method=method)
                    if ssim(reference, decode(data)) >= target:
                        best, high, found = data, quality - 1, quality
                    else:
                        low = quality + 1
                chosen.append(found)
                total += len(best or imagegen.encode(reference, "WEBP", quality=found, method=method))
                baseline_total += len(baseline)
            cpu = (time.process_time() - started) / len(references) * 1000
            say(f"| {method} | q{lowest}-96 | {chosen} | {total / baseline_total:.3f} | {cpu:.0f} |")
    say()


def sweep_vips_webp(references: list[Image.Image], baseline: list[bytes], baseline_ssim: float) -> None:
    """Print what libwebp options Pillow does not expose (sharp YUV, presets) do, through libvips."""
    say("## WebP options Pillow does not expose, through libvips' own libwebp (method 4)")
    say()
    say("| settings | x baseline bytes | SSIM | parity |")
    say("|---|---:|---:|:---:|")
    images = [pyvips.Image.new_from_memory(r.tobytes(), r.width, r.height, 3, "uchar") for r in references]
    for quality in (86, 88, 90):
        for label, extra in (
            ("", {}),
            (" sharp YUV", {"smart_subsample": True}),
            (" sharp YUV, preset drawing", {"smart_subsample": True, "preset": "drawing"}),
            (" sharp YUV, preset picture", {"smart_subsample": True, "preset": "picture"}),
            (" sharp YUV, preset text", {"smart_subsample": True, "preset": "text"}),
        ):
            outputs = [image.webpsave_buffer(Q=quality, effort=4, strip=True, **extra) for image in images]
            score = statistics.mean(ssim(r, decode(d)) for r, d in zip(references, outputs, strict=True))
            ratio = sum(len(d) for d in outputs) / sum(len(b) for b in baseline)
            say(f"| q{quality}{label} | {ratio:.3f} | {score:.5f} | {'yes' if score >= baseline_ssim else 'no'} |")
    say()


def sweep_jpeg_upload() -> None:
    """Time ways of turning a big JPEG upload into a 1600 px master, and how far each lands from the full path."""
    say(f"## A 4032x3024 phone-camera JPEG (q92) to a 1600 px master, one thread, median of {REPEATS}")
    say()
    photo = imagegen.comic_page(4032, 3024, seed=21, supersample=1)
    upload = imagegen.encode(photo, "JPEG", quality=92)
    size = (1600, encoding.scaled_height(4032, 3024, 1600))

    def opened(draft: bool) -> Image.Image:
        image = Image.open(io.BytesIO(upload))
        if draft:
            opening.draft_jpeg(image, 1600)  # what open_image does: 1/2 scale, 2016 px, still >= 1600
        image.load()
        return image

    ways: dict[str, Callable[[], Image.Image]] = {
        "full decode, Lanczos (naive)": lambda: opened(False).resize(size, Image.Resampling.LANCZOS),
        "draft 1/2, Lanczos (ours)": lambda: opened(True).resize(size, Image.Resampling.LANCZOS),
        "full decode, Lanczos with reducing_gap=3": lambda: opened(False).resize(
            size, Image.Resampling.LANCZOS, reducing_gap=3.0
        ),
        "Image.thumbnail (draft, then reducing_gap=2)": lambda: thumbnail(opened_lazily(upload), size),
    }
    reference = ways["full decode, Lanczos (naive)"]()
    original = photo.resize(size, Image.Resampling.LANCZOS)  # the pixels before JPEG touched them
    original_800 = encoding.resized(original, 800)
    say("| path | CPU ms | PSNR vs the full path | vs the original | its 800 px rendition vs the original's |")
    say("|---|---:|---:|---:|---:|")
    for name, run in ways.items():
        cpu = timed(run)[1]
        master = run()
        if np is None:
            cells = "n/a | n/a | n/a"
        else:
            cells = (
                f"{psnr(reference, master):.1f} dB | {psnr(original, master):.1f} dB"
                f" | {psnr(original_800, encoding.resized(master, 800)):.1f} dB"
            )
        say(f"| {name} | {cpu * 1000:.0f} | {cells} |")
    say()
    say("An A4 scan at 300 dpi (2480 px) cannot use draft: its 1/2 scale, 1240 px, is narrower than the master.")
    say()


def opened_lazily(data: bytes) -> Image.Image:
    """Return an image opened but not decoded, as Image.thumbnail wants it for its own draft()."""
    return Image.open(io.BytesIO(data))


def thumbnail(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Return Pillow's thumbnail of the image at size (it shrinks in place)."""
    image.thumbnail(size, Image.Resampling.LANCZOS)
    return image


def sweep_threading(masters: list[tuple[str, Image.Image]]) -> None:
    """Time ways of spreading one slice's renditions over the cores, against the chosen one."""
    widths = sorted(encoding.DEFAULT_WIDTHS, reverse=True)
    jobs = [(width, format) for width in widths for format in encoding.FORMATS]

    def serial(master: Image.Image, avif_threads: int | None) -> None:
        for width in widths:
            image = encoding.resized(master, width)
            for format in encoding.FORMATS:
                encoding.encode_rendition(image, format, threads=avif_threads)

    def cascade(master: Image.Image) -> dict[int, Image.Image]:
        # The previous code: each width resized from the one before (23 ms less CPU, 46 dB off).
        images, source = {}, master
        for width in widths:
            size = (width, encoding.scaled_height(master.width, master.height, width))
            source = source if size == source.size else source.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            images[width] = source
        return images

    def pooled(master: Image.Image, avif_threads: int | None, chained: bool = False) -> None:
        with ThreadPoolExecutor(encoding.available_cores()) as pool:
            images = cascade(master) if chained else {width: encoding.resized(master, width) for width in widths}
            futures = [pool.submit(encoding.encode_rendition, images[w], f, threads=avif_threads) for w, f in jobs]
            for future in futures:
                future.result()

    say(f"## Threading: one slice's nine renditions from a decoded master, median of {REPEATS} rounds")
    say()
    per_slice = []
    load_before = load_average()
    for _, master in masters:
        per_slice.append(
            take_turns(
                {
                    OURS: partial(encoding.render_renditions, master, encoding.rendition_specs(master.width)),
                    "serial, libavif on one thread": partial(serial, master, 1),
                    "serial, libavif on every core": partial(serial, master, None),
                    "pool, resizes first, libavif on one thread": partial(pooled, master, 1),
                    "pool, resizes first, libavif on every core": partial(pooled, master, None),
                    "pool, resizes first as a cascade, libavif on one thread": partial(pooled, master, 1, True),
                }
            )
        )
    say(f"Load average {load_before} before, {load_average()} after.")
    say()
    speed_table({name: mean_timing([t[name] for t in per_slice]) for name in per_slice[0]})


def describe_machine() -> None:
    say(
        f"Measured {datetime.date.today().isoformat()} on {platform.machine()} {platform.processor() or ''},"
        f" {os.cpu_count()} cores, Python {platform.python_version()}, Pillow {Image.__version__}"
        f" (libjpeg-turbo {features.version('libjpeg_turbo')}, libwebp {features.version_module('webp')},"
        f" libavif {features.version_module('avif')}), numpy {np.__version__ if np else 'absent'}"
        + (f", libvips {pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}" if pyvips else ", no pyvips")
    )
    say()


def main() -> None:
    global REPEATS  # noqa: PLW0603 - one setting for every timing table of this run
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="also run the encoder and threading sweeps")
    parser.add_argument("--speed", action="store_true", help="only the timing tables (~2 min)")
    parser.add_argument("--rounds", type=int, default=REPEATS, help=f"rounds of each timing (default {REPEATS})")
    args = parser.parse_args()
    REPEATS = args.rounds
    started = time.perf_counter()
    describe_machine()
    masters = comic_masters()
    slice_speed = bench_speed_per_slice(masters)
    bench_ingest_slice(masters)
    if args.speed:
        bench_scan_upload()
        sweep_threading(masters)
        return
    bench_stages(masters)
    scan_speed = bench_scan_upload()
    sizes = bench_bytes(masters)
    fidelity = bench_psnr(masters) if np is not None else None
    memory = bench_memory()
    if args.sweep and np is not None:
        sweep(masters)
    if args.sweep:
        master_formats(masters)
    if np is None:
        say("numpy is not installed: SSIM and PSNR were skipped (pip install -e '.[bench]').")
        say()
    say("## Targets")
    say()
    say("| target | measured | met |")
    say("|---|---:|:---:|")

    def target(name: str, value: str, met: bool) -> None:
        say(f"| {name} | {value} | {'yes' if met else 'NO'} |")

    for label, speeds in (("per slice", slice_speed), ("scanned page", scan_speed)):
        ours, ours_one = speeds[OURS], speeds[OURS_ONE_THREAD]
        same = speeds[NAIVE].wall / ours.wall
        target(f">= 3x faster than naive, same settings, wall ({label})", f"{same:.2f}x", same >= 3)
        single = speeds[NAIVE_ONE_THREAD].wall / ours_one.wall
        target(f">= 3x, both on one thread ({label})", f"{single:.2f}x", single >= 3)
        cpu = speeds[NAIVE].cpu / ours.cpu
        target(f">= 3x less CPU than naive, same settings ({label})", f"{cpu:.2f}x", cpu >= 3)
        default = speeds[NAIVE_DEFAULTS].wall / ours.wall
        target(f">= 3x faster than naive with Pillow's defaults, wall ({label})", f"{default:.2f}x", default >= 3)
        vips = [timing for name, timing in speeds.items() if name.startswith(VIPS)]
        if vips:
            ratio = ours.wall / vips[0].wall
            target(f"within 1.5x of pyvips, wall ({label})", f"{ratio:.2f}x pyvips' time", ratio <= 1.5)
    for format, limit in (("avif", 0.40), ("webp", 0.55)):
        ratio, score = sizes[f"{format}_ratio"], sizes[f"ssim_{format}"]
        target(
            f"{format} <= {limit:.2f}x baseline bytes at 800 px, SSIM at parity",
            f"{ratio:.3f}x (SSIM {score:.5f} vs {sizes['ssim_baseline']:.5f})",
            ratio <= limit and score >= sizes["ssim_baseline"],
        )
    if fidelity is None:
        target("PSNR ours vs naive >= 40 dB", "not measured (no numpy)", False)
    else:
        target(
            "PSNR ours vs naive >= 40 dB: resized pixels, worst",
            f"{fidelity['pixels_worst']:.1f} dB",
            fidelity["pixels_worst"] >= 40,
        )
        target(
            "PSNR ours vs naive >= 40 dB: decoded files, single worst",
            f"{fidelity['files_worst']:.1f} dB",
            fidelity["files_worst"] >= 40,
        )
        target(
            "PSNR ours vs naive >= 40 dB: our file vs naive resized pixels, worst"
            f" (naive's own file: {fidelity['naive_own_worst']:.1f} dB)",
            f"{fidelity['vs_pixels_worst']:.1f} dB",
            fidelity["vs_pixels_worst"] >= 40,
        )
    target("peak RSS <= 300 MB for an 800x30000 strip", f"{memory['peak_mb']:.0f} MB", memory["peak_mb"] <= 300)
    say()
    say(f"Benchmark took {time.perf_counter() - started:.0f} s.")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.md").write_text("\n".join(LINES) + "\n")


if __name__ == "__main__":
    main()
