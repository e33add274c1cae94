"""Measure the rendition pipeline: speed against naive Pillow and pyvips, bytes, quality and memory.

    python bench/bench_renditions.py           # the figures quoted in docs/imaging.md (~2 min, 2 cores)
    python bench/bench_renditions.py --sweep   # also the encoder sweeps the settings came from (~6 min)
    python bench/bench_renditions.py --speed   # only the timings, to repeat on a quiet machine (~2 min)
    python bench/bench_renditions.py --jpegli  # only the site's JPEG against jpegli, per width (docs/imaging.md)

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
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # a script run from a checkout: the app and its test helpers

import measures  # noqa: E402
from contenders import (  # noqa: E402
    NAIVE,
    NAIVE_DEFAULTS,
    NAIVE_ONE_THREAD,
    OURS,
    OURS_ONE_THREAD,
    VIPS,
    contenders_for,
    naive,
    ours_from_master,
    ours_from_upload,
    pyvips,
    same_settings,
    same_settings_one_thread,
    speed_table,
)
from measures import LINES, Timing, decode, load_average, mean_timing, np, psnr, say, ssim, take_turns, timed  # noqa: E402
from PIL import Image, features  # noqa: E402
from sweeps import master_formats, sweep, sweep_jpegli, sweep_threading  # noqa: E402

from comics.images import encoding  # noqa: E402
from tests import imagegen  # noqa: E402

# --- sections --------------------------------------------------------------------------------------


def comic_masters() -> list[tuple[str, Image.Image]]:
    """Return the four 1600x1280 slices measured: three digital pages and one scanned."""
    pages = [(f"digital page {seed}", imagegen.comic_page(1600, 1280, seed=seed)) for seed in (1, 2, 3)]
    pages.append(("scanned page", imagegen.scanned(imagegen.comic_page(1600, 1280, seed=4))))
    return pages


def bench_speed_per_slice(masters: list[tuple[str, Image.Image]]) -> dict[str, Timing]:
    """Time all renditions of one 1600x1280 slice: ours (two ways), naive Pillow (three ways), pyvips."""
    say(f"## Rendition time per 1600x1280 slice (3 widths x 3 formats = 9 files), median of {measures.REPEATS} rounds")
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
    say(f"## What ingest encodes per 1600x1280 slice: the master PNG and 9 renditions, median of {measures.REPEATS} rounds")
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
    say(f"## A scanned A4 page at 300 dpi (2480x3508 JPEG): upload bytes to every rendition, median of {measures.REPEATS}")
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
    parser.add_argument("--sweep", action="store_true", help="also run the encoder and threading sweeps")
    parser.add_argument("--speed", action="store_true", help="only the timing tables (~2 min)")
    parser.add_argument("--jpegli", action="store_true", help="only the site's JPEG against jpegli, per width")
    parser.add_argument("--rounds", type=int, default=measures.REPEATS, help=f"rounds of each timing (default {measures.REPEATS})")
    args = parser.parse_args()
    measures.REPEATS = args.rounds  # one setting for every timing table of this run
    started = time.perf_counter()
    describe_machine()
    masters = comic_masters()
    if args.jpegli:
        sweep_jpegli(masters)
        return
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
