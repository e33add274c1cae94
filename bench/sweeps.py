"""The encoder and threading sweeps the pipeline's settings came from (bench_renditions.py --sweep)."""

from __future__ import annotations

import io
import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import measures
import pyjpegli
from contenders import OURS, pyvips, speed_table
from measures import decode, load_average, mean_timing, np, psnr, say, ssim, take_turns, timed
from PIL import Image

from comics.images import encoding, opening
from tests import imagegen


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
    say(f"## A 4032x3024 phone-camera JPEG (q92) to a 1600 px master, one thread, median of {measures.REPEATS}")
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

    say(f"## Threading: one slice's nine renditions from a decoded master, median of {measures.REPEATS} rounds")
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




def cpu_with_children() -> float:
    """Return the CPU seconds of this process and its finished children (jpegtran runs as one)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def jpegli_jpeg(image: Image.Image, quality: int, jpegtran: str, *, progressive: bool) -> bytes:
    """Return jpegli's JPEG with Huffman tables made for it by jpegtran, progressive or baseline."""
    data = bytes(pyjpegli.encode(image.tobytes(), image.width, image.height, quality))
    mode = "-progressive" if progressive else "-optimize"
    return subprocess.run([jpegtran, mode, "-copy", "none"], input=data, capture_output=True, check=True).stdout


def sweep_jpegli(masters: list[tuple[str, Image.Image]]) -> None:
    """Print the site's JPEG against jpegli's at each rendition width, by the rule of the other sweeps."""
    jpegtran = shutil.which("jpegtran")
    if jpegtran is None or np is None:
        say("jpegli sweep skipped: it needs jpegtran (libjpeg-turbo-progs) and numpy.")
        return
    say("## The site's JPEG fallback against jpegli (jpegtran's progressive or optimised coding), per width")
    say()
    say("Each row against the WEBTOON-style baseline q90 of the same width in this run; CPU of one encode,")
    say("jpegtran's process included.")
    say()
    say("| width | encoder | settings | x baseline bytes | SSIM | parity | CPU ms |")
    say("|---:|---|---|---:|---:|:---:|---:|")
    for width in (480, 800, 1200):
        references = [encoding.resized(m, width) for _, m in masters]
        baseline = [imagegen.encode(reference, "JPEG", quality=90) for reference in references]
        baseline_bytes = sum(len(data) for data in baseline)
        baseline_ssim = statistics.mean(ssim(r, decode(d)) for r, d in zip(references, baseline, strict=True))
        trials: list[tuple[str, str, Callable[[Image.Image], bytes]]] = [
            ("libjpeg-turbo", "q90 progressive optimize (the site's)", lambda image: encoding.encode_libjpeg(image, encoding.JPEG_SETTINGS)),
        ]
        trials += [
            ("jpegli", f"q{q} + jpegtran -progressive", partial(lambda image, q: jpegli_jpeg(image, q, jpegtran, progressive=True), q=q))
            for q in (86, 88, 89, 90, 91, 92)
        ]
        trials += [("jpegli", "q83 + jpegtran -optimize (the editions' pages)", lambda image: jpegli_jpeg(image, 83, jpegtran, progressive=False))]
        for label, settings, encode in trials:
            sizes, scores, seconds = [], [], []
            for reference in references:
                started = cpu_with_children()
                data = encode(reference)
                seconds.append(cpu_with_children() - started)
                sizes.append(len(data))
                scores.append(ssim(reference, decode(data)))
            score = float(np.mean(scores))
            say(
                f"| {width} | {label} | {settings} | {sum(sizes) / baseline_bytes:.3f} | {score:.5f}"
                f" | {'yes' if score >= baseline_ssim else 'no'} | {np.mean(seconds) * 1000:.0f} |"
            )
    say()
