"""Measures shared by the rendition benchmark: SSIM, PSNR, timings taken in turns, and the report.

say() prints a line and keeps it for bench/results/latest.md; REPEATS is the number of rounds of
every timing table in a run (bench_renditions.py --rounds sets it).
"""

from __future__ import annotations

import io
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image

try:
    import numpy as np  # SSIM and PSNR only; the timings and memory figures do not need it
except ImportError:
    # "unused-ignore" too: without numpy installed, mypy takes np for Any and the assignment is fine.
    np = None  # type: ignore[assignment, unused-ignore]


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

def mean_timing(timings: Sequence[Timing]) -> Timing:
    """Return the mean of several timings, field by field."""
    return Timing(
        statistics.mean(t.wall for t in timings),
        statistics.mean(t.best for t in timings),
        statistics.mean(t.cpu for t in timings),
    )


