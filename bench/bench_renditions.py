"""Measure the rendition pipeline: speed against naive Pillow and pyvips, bytes, quality and memory.

    python bench/bench_renditions.py           # the figures quoted in docs/imaging.md (~1.5 min, 2 cores)
    python bench/bench_renditions.py --sweep   # also the quality sweep the encoder settings came from

SSIM and PSNR need numpy, a benchmark-only dependency (pip install numpy); without it those figures
are skipped and the rest still runs. pyvips is optional too: without it (or without libvips) its rows
are skipped. Inputs are the comic-like pages and strips of
tests/imagegen.py, generated on the fly, so every run measures the same pictures.

Results are printed and also written to bench/results/latest.md (ignored by git).
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
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # a script run from a checkout: the app and test helpers

import imagegen  # noqa: E402
from PIL import Image, features  # noqa: E402

try:
    import numpy as np  # SSIM and PSNR only; the timings and memory figures do not need it
except ImportError:
    np = None  # type: ignore[assignment]

# Load Pillow's codec modules before libvips: libvips pulls in the system libwebp and libaom with
# global symbols, and a codec module loaded after it could bind to those instead of Pillow's own.
from PIL import _avif, _webp  # noqa: E402, F401, I001

from comics import imaging  # noqa: E402

try:
    import pyvips  # type: ignore[import-untyped]
except (ImportError, OSError):  # the module, or libvips itself, is missing
    pyvips = None

REPEATS = 3
LINES: list[str] = []


def say(line: str = "") -> None:
    """Print a line and keep it for the results file."""
    print(line, flush=True)
    LINES.append(line)


# --- measures --------------------------------------------------------------------------------------


def _gaussian(sigma: float = 1.5, radius: int = 5) -> np.ndarray:
    x = np.arange(-radius, radius + 1)
    kernel = np.exp(-(x**2) / (2 * sigma**2))
    return kernel / kernel.sum()


_KERNEL = _gaussian() if np is not None else None


def _blur(a: np.ndarray) -> np.ndarray:
    """Return a separable 11-tap Gaussian blur (sigma 1.5) with reflected edges."""
    r = len(_KERNEL) // 2
    padded = np.pad(a, ((r, r), (0, 0)), mode="reflect")
    a = sum(_KERNEL[i] * padded[i : i + a.shape[0]] for i in range(len(_KERNEL)))
    padded = np.pad(a, ((0, 0), (r, r)), mode="reflect")
    return sum(_KERNEL[i] * padded[:, i : i + a.shape[1]] for i in range(len(_KERNEL)))


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


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- the contenders --------------------------------------------------------------------------------

PILLOW_FORMATS = {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG"}


def ours_from_master(master_bytes: bytes) -> list[imaging.EncodedRendition]:
    """Decode the master once and render every default spec from it."""
    master = decode(master_bytes)
    return imaging.render_renditions(master, imaging.rendition_specs(master.width))


def naive(source: bytes, widths: Sequence[int], encoder: Callable[[Image.Image, str], bytes]) -> list[bytes]:
    """For every width and format: decode the full source, Lanczos-resize it, encode."""
    outputs = []
    for width in widths:
        for format in imaging.FORMATS:
            image = decode(source).convert("RGB")
            size = (width, imaging.scaled_height(image.width, image.height, width))
            outputs.append(encoder(image.resize(size, Image.Resampling.LANCZOS), format))
    return outputs


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
        avif_effort = 9 - int(imaging.AVIF_SETTINGS["speed"])  # type: ignore[call-overload]
        outputs.append(
            thumb.heifsave_buffer(Q=imaging.AVIF_SETTINGS["quality"], effort=avif_effort, compression="av1", strip=True)
        )
        outputs.append(
            thumb.webpsave_buffer(
                Q=imaging.WEBP_SETTINGS["quality"], effort=imaging.WEBP_SETTINGS["method"], strip=True
            )
        )
        outputs.append(
            thumb.jpegsave_buffer(Q=imaging.JPEG_SETTINGS["quality"], interlace=True, optimize_coding=True, strip=True)
        )
    return outputs


def ours_from_upload(upload: bytes) -> list[imaging.EncodedRendition]:
    """Run an upload through prepare_panels and render every slice."""
    slices, _ = imaging.prepare_panels(upload, "scan.jpg")
    renditions = []
    for piece in slices:
        renditions.extend(imaging.render_renditions(piece, imaging.rendition_specs(piece.width)))
    return renditions


# --- sections --------------------------------------------------------------------------------------


def comic_masters() -> list[tuple[str, Image.Image]]:
    """Return the four 1600x1280 slices measured: three digital pages and one scanned."""
    pages = [(f"digital page {seed}", imagegen.comic_page(1600, 1280, seed=seed)) for seed in (1, 2, 3)]
    pages.append(("scanned page", imagegen.scanned(imagegen.comic_page(1600, 1280, seed=4))))
    return pages


def bench_speed_per_slice(masters: list[tuple[str, Image.Image]]) -> dict[str, float]:
    """Time all renditions of one 1600x1280 slice: ours, naive Pillow (twice), pyvips."""
    say("## Rendition time per 1600x1280 slice (3 widths x 3 formats = 9 files), median of 3")
    say()
    widths = [spec.width for spec in imaging.rendition_specs(1600)][:: len(imaging.FORMATS)]
    rows: dict[str, list[tuple[float, float]]] = {
        "ours": [],
        "naive, same encoder settings": [],
        "naive, Pillow defaults": [],
    }
    if pyvips is not None:
        rows["pyvips thumbnail, matching settings"] = []
    for _, master in masters:
        data = imaging.encode_master(master)
        rows["ours"].append(timed(partial(ours_from_master, data)))
        rows["naive, same encoder settings"].append(timed(partial(naive, data, widths, imaging.encode_rendition)))
        rows["naive, Pillow defaults"].append(timed(partial(naive, data, widths, pillow_defaults)))
        if pyvips is not None:
            rows["pyvips thumbnail, matching settings"].append(timed(partial(vips_renditions, data, widths)))
    say("| pipeline | wall ms | CPU ms | ours is faster by |")
    say("|---|---:|---:|---:|")
    means = {name: (statistics.mean(w for w, _ in r), statistics.mean(c for _, c in r)) for name, r in rows.items()}
    for name, (wall, cpu) in means.items():
        say(f"| {name} | {wall * 1000:.0f} | {cpu * 1000:.0f} | {wall / means['ours'][0]:.2f}x |")
    say()
    return {name: wall for name, (wall, _) in means.items()}


def bench_stages(masters: list[tuple[str, Image.Image]]) -> None:
    """Show where our time goes, so a missed speed target can be explained."""
    master = masters[0][1]
    data = imaging.encode_master(master)
    resized = dict(imaging.resized_widths(master, imaging.DEFAULT_WIDTHS))
    say("## Where the time goes (digital page 1, median of 3)")
    say()
    say("| stage | ms |")
    say("|---|---:|")
    say(f"| decode the PNG master once | {timed(lambda: decode(data))[0] * 1000:.0f} |")
    resize_time = timed(lambda: list(imaging.resized_widths(master, imaging.DEFAULT_WIDTHS)))[0]
    say(f"| resize to 1200, 800, 480 (cascade) | {resize_time * 1000:.0f} |")
    for format in imaging.FORMATS:
        total = sum(timed(partial(imaging.encode_rendition, image, format))[0] for image in resized.values())
        say(f"| encode {format}, all three widths | {total * 1000:.0f} |")
    say(f"| encode the master (PNG, level 3) | {timed(lambda: imaging.encode_master(master))[0] * 1000:.0f} |")
    say()


def bench_scan_upload() -> dict[str, float]:
    """Time a 2480x3508 scanned page (A4 at 300 dpi, JPEG q95) from upload bytes to every rendition."""
    page = imagegen.scanned(imagegen.comic_page(2480, 3508, seed=11, supersample=1))
    upload = imagegen.encode(page, "JPEG", quality=95)
    widths = list(imaging.DEFAULT_WIDTHS)
    say("## A scanned A4 page at 300 dpi (2480x3508 JPEG): upload bytes to every rendition, median of 3")
    say()
    rows = {
        "ours (draft decode, master, 2 slices, cascade)": timed(lambda: ours_from_upload(upload)),
        "naive, same encoder settings": timed(lambda: naive(upload, widths, imaging.encode_rendition)),
        "naive, Pillow defaults": timed(lambda: naive(upload, widths, pillow_defaults)),
    }
    if pyvips is not None:
        rows["pyvips thumbnail (shrink-on-load), matching settings"] = timed(lambda: vips_renditions(upload, widths))
    ours = rows["ours (draft decode, master, 2 slices, cascade)"][0]
    say("| pipeline | wall ms | CPU ms | ours is faster by |")
    say("|---|---:|---:|---:|")
    for name, (wall, cpu) in rows.items():
        say(f"| {name} | {wall * 1000:.0f} | {cpu * 1000:.0f} | {wall / ours:.2f}x |")
    say()
    return {name: wall for name, (wall, _) in rows.items()}


def bench_bytes(masters: list[tuple[str, Image.Image]]) -> dict[str, float]:
    """Compare bytes at 800 px with a WEBTOON-style baseline (800 px JPEG q90) and report SSIM."""
    say("## Bytes at 800 px against a WEBTOON-style 800 px JPEG q90 (SSIM against the lossless 800 px resize)")
    say()
    say("| image | baseline JPEG q90 | our AVIF | our WebP | our JPEG |")
    say("|---|---:|---:|---:|---:|")
    totals: dict[str, int] = {"baseline": 0, "avif": 0, "webp": 0, "jpeg": 0}
    scores: dict[str, list[float]] = {name: [] for name in totals}
    for label, master in masters:
        reference = dict(imaging.resized_widths(master, (800,)))[800]
        baseline = imagegen.encode(reference, "JPEG", quality=90)
        outputs = {"baseline": baseline}
        outputs.update({format: imaging.encode_rendition(reference, format) for format in imaging.FORMATS})
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
        + " | ".join(f"{totals[n] / 4000:.0f} kB, {ratios[n]:.2f}x, SSIM {means[n]:.4f}" for n in totals)
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
    """Compare our output with naive output: resized pixels, and decoded files at the same settings."""
    say("## Our output against naive output (PSNR over the four slices; naive = direct Lanczos from the master)")
    say()
    say("At 1200 px both resize the master directly, so pixels and files are identical; 800 and 480 px differ.")
    say()
    pixels: dict[int, list[float]] = {width: [] for width in imaging.DEFAULT_WIDTHS}
    files: dict[tuple[str, int], list[float]] = {}
    own: dict[tuple[str, int], list[float]] = {}
    for _, master in masters:
        for width, ours in imaging.resized_widths(master, imaging.DEFAULT_WIDTHS):
            direct = master.resize(ours.size, Image.Resampling.LANCZOS)
            pixels[width].append(psnr(ours, direct))
            if ours.width == master.width or width == max(imaging.DEFAULT_WIDTHS):
                continue
            for format in imaging.FORMATS:
                naive_file = decode(imaging.encode_rendition(direct, format))
                files.setdefault((format, width), []).append(
                    psnr(decode(imaging.encode_rendition(ours, format)), naive_file)
                )
                own.setdefault((format, width), []).append(psnr(direct, naive_file))
    say("| compared | worst | mean | for scale: the encoder's own PSNR against its input (mean) |")
    say("|---|---:|---:|---:|")
    for width, scores in sorted(pixels.items(), reverse=True):
        say(f"| resized pixels at {width} px (cascade vs direct) | {min(scores):.1f} dB | {np.mean(scores):.1f} dB | |")
    for (format, width), scores in files.items():
        say(
            f"| decoded {format} files at {width} px | {min(scores):.1f} dB | {np.mean(scores):.1f} dB"
            f" | {np.mean(own[(format, width)]):.1f} dB |"
        )
    say()
    return {
        "pixels_worst": min(min(v) for v in pixels.values()),
        "files_worst": min(min(v) for v in files.values()),
        "files_mean_worst": min(float(np.mean(v)) for v in files.values()),
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
slices, _ = imaging.prepare_panels(Path(sys.argv[1]), "strip.png")
count, files = len(slices), 0
while slices:
    piece = slices.pop(0)  # each slice is let go once stored, as the ingest loop does
    imaging.encode_master(piece)
    files += 1 + len(imaging.render_renditions(piece, imaging.rendition_specs(piece.width)))
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
    say(f"| peak RSS after importing Pillow and comics.imaging | {result['before_kb'] / 1024:.0f} MB |")
    say(f"| peak RSS of the whole import (VmHWM) | {result['peak_kb'] / 1024:.0f} MB |")
    say(f"| time | {result['seconds']:.1f} s |")
    say()
    return {"peak_mb": result["peak_kb"] / 1024}


def sweep(masters: list[tuple[str, Image.Image]]) -> None:
    """Print bytes, SSIM and encode time per setting at 800 px, the basis of the chosen settings."""
    references = [dict(imaging.resized_widths(m, (800,)))[800] for _, m in masters]
    say("## Quality sweep at 800 px (mean over the four slices)")
    say()
    say("| encoder | settings | kB | SSIM | encode ms |")
    say("|---|---|---:|---:|---:|")
    trials: list[tuple[str, str, dict[str, object]]] = [("JPEG", "baseline q90", {"quality": 90})]
    trials += [
        ("JPEG", f"q{q} progressive optimize", {"quality": q, "progressive": True, "optimize": True})
        for q in (80, 85, 88, 90)
    ]
    trials += [
        (
            "JPEG",
            "q85 progressive optimize 4:4:4",
            {"quality": 85, "progressive": True, "optimize": True, "subsampling": "4:4:4"},
        )
    ]
    trials += [("WEBP", f"q{q} method {m}", {"quality": q, "method": m}) for m in (4, 6) for q in (80, 85, 88, 90)]
    trials += [("AVIF", f"q{q} speed {s}", {"quality": q, "speed": s}) for s in (6, 7, 8, 9) for q in (60, 65, 70, 75)]
    for format, label, params in trials:
        sizes, scores, seconds = [], [], []
        for reference in references:
            started = time.perf_counter()
            data = imagegen.encode(reference, format, **params)
            seconds.append(time.perf_counter() - started)
            sizes.append(len(data))
            scores.append(ssim(reference, decode(data)))
        kilobytes, score, milliseconds = np.mean(sizes) / 1000, np.mean(scores), np.mean(seconds) * 1000
        say(f"| {format} | {label} | {kilobytes:.1f} | {score:.4f} | {milliseconds:.0f} |")
    say()


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="also run the encoder quality sweep")
    args = parser.parse_args()
    started = time.perf_counter()
    describe_machine()
    masters = comic_masters()
    slice_speed = bench_speed_per_slice(masters)
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
        say("numpy is not installed: SSIM and PSNR were skipped (pip install numpy).")
        say()
    say("## Targets")
    say()
    say("| target | measured | met |")
    say("|---|---:|:---:|")

    def target(name: str, value: str, met: bool) -> None:
        say(f"| {name} | {value} | {'yes' if met else 'NO'} |")

    for label, speeds in (("per slice", slice_speed), ("scanned page", scan_speed)):
        ours = next(iter(speeds.values()))  # the first row is always ours
        same = speeds["naive, same encoder settings"] / ours
        target(f">= 3x faster than naive, same settings ({label})", f"{same:.2f}x", same >= 3)
        default = speeds["naive, Pillow defaults"] / ours
        target(f">= 3x faster than naive, Pillow defaults ({label})", f"{default:.2f}x", default >= 3)
        vips = [v for k, v in speeds.items() if k.startswith("pyvips")]
        if vips:
            target(f"within 1.5x of pyvips ({label})", f"{ours / vips[0]:.2f}x pyvips' time", ours / vips[0] <= 1.5)
    target(
        "AVIF <= 0.40x baseline bytes at 800 px",
        f"{sizes['avif_ratio']:.2f}x (SSIM {sizes['ssim_avif']:.4f} vs {sizes['ssim_baseline']:.4f})",
        sizes["avif_ratio"] <= 0.40,
    )
    target(
        "WebP <= 0.55x baseline bytes at 800 px",
        f"{sizes['webp_ratio']:.2f}x (SSIM {sizes['ssim_webp']:.4f} vs {sizes['ssim_baseline']:.4f})",
        sizes["webp_ratio"] <= 0.55,
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
            "PSNR ours vs naive >= 40 dB: decoded files, lowest mean (format x width)",
            f"{fidelity['files_mean_worst']:.1f} dB",
            fidelity["files_mean_worst"] >= 40,
        )
        target(
            "PSNR ours vs naive >= 40 dB: decoded files, single worst",
            f"{fidelity['files_worst']:.1f} dB",
            fidelity["files_worst"] >= 40,
        )
    target("peak RSS <= 300 MB for an 800x30000 strip", f"{memory['peak_mb']:.0f} MB", memory["peak_mb"] <= 300)
    say()
    say(f"Benchmark took {time.perf_counter() - started:.0f} s.")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.md").write_text("\n".join(LINES) + "\n")


if __name__ == "__main__":
    main()
