"""Lighthouse (mobile) on the demo's pages; the scores go into docs/performance.md.

    .venv/bin/python bench/bench_lighthouse.py [--runs 3] [--in-process [--instance DIR]] [--url PATH ...] [--no-write]

1. The site as readers get it (the default): the production stack of the journeys
   (tests/journeys/stack.py): nginx with TLS and HTTP/2 in front, serving the static files and caching
   the media; gunicorn with its workers; PostgreSQL; Redis for the page cache, the limiter and the queue;
   a render worker; the demo loaded by `flask demo` and its renditions made by the worker before any
   measuring. Chromium reaches the stack's host, freelines.test, on 127.0.0.1 and trusts its
   certificate by its key, as in the journeys. This needs nginx, PostgreSQL at 127.0.0.1:5432 and Redis
   at 127.0.0.1:6379 (TEST_DATABASE_URL, TEST_REDIS_URL), as `make journeys` does.
   `--in-process` measures the app alone instead: SQLite, media and the page cache (FileSystemCache) in
   a temporary folder (or `--instance DIR`, kept and reused), served by werkzeug's threaded server in
   this process, which also serves every static and media file through Flask. Lighthouse's simulation
   adds the server's mean response time to every request, so those files' Python time is counted on the
   page's own first byte as well: quicker rounds while fixing a page, not the figure to record.
2. Each page is requested once before, so that it is in the page cache as a visited page is.
3. Lighthouse from bench/lighthouse (lighthouse pinned in its package.json and package-lock.json,
   installed here with `npm ci` when node_modules is missing; it never downloads a browser) with
   Debian's Chromium, default mobile form factor and default simulated throttling, each page RUNS
   times, interleaved. Each category's score and each metric reported is the median of the runs.
4. The section "## Lighthouse (mobile)" of docs/performance.md is replaced (the rest is kept); the
   JSON reports stay in bench/results/lighthouse/ (gitignored), and the failing audits of each page
   are printed.

Performance is measured with simulated throttling from a trace taken on this machine: the other load
on its 2 cores moves the Performance score from run to run (the other categories do not move).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages import from the checkout

from tests.browser import live_server  # noqa: E402  (the browser tests' server: the same threaded werkzeug)
from tests.journeys.stack import HOST, Stack, production_stack, services_missing  # noqa: E402
from tests.waiting import wait_until  # noqa: E402

LIGHTHOUSE_DIR = ROOT / "bench" / "lighthouse"
LIGHTHOUSE_BIN = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "bench" / "results" / "lighthouse"
DOC = ROOT / "docs" / "performance.md"
SECTION = "## Lighthouse (mobile)"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ATTEMPTS = 3
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --no-first-run"
)
# The Korean demo episode first: the page this benchmark is for.
PAGES = ["/ko/series/the-lantern-road/1/", "/series/the-lantern-road/1/", "/", "/ko/"]
CATEGORIES = [
    ("performance", "Performance"),
    ("accessibility", "Accessibility"),
    ("best-practices", "Best Practices"),
    ("seo", "SEO"),
]
# (audit id, column, unit): the numeric value of each audit, in Lighthouse's units (ms, bytes, none).
METRICS = [
    ("first-contentful-paint", "FCP", "ms"),
    ("largest-contentful-paint", "LCP", "ms"),
    ("total-blocking-time", "TBT", "ms"),
    ("cumulative-layout-shift", "CLS", ""),
    ("total-byte-weight", "Total bytes", "bytes"),
]


SERVED_IN_PRODUCTION = (
    "The demo is served by the production stack of the journeys (tests/journeys/stack.py): nginx with TLS "
    "and HTTP/2, which serves the static files and caches the media, then gunicorn, PostgreSQL, Redis (page "
    "cache, limiter, queue) and a render worker; each page requested once before, as a visited page is."
)
SERVED_IN_PROCESS = (
    "The demo is served in-process (`--in-process`) from a temporary instance with the production settings "
    "that matter (FileSystemCache page cache, each page requested once before; Flask-Compress; the security "
    "headers) on 127.0.0.1 by werkzeug's threaded server, which also serves the static and media files. "
    "Plain http fails nothing there: Lighthouse counts loopback as a secure origin."
)

# Written under the table on every run: what the figures do and do not say.
NOTES = [
    "A score in brackets is the range of the runs. Accessibility, Best Practices and SEO do not move from",
    "run to run. Performance does: Lighthouse records the page's main-thread work on this machine and",
    "multiplies it by 4 (a mid-range phone), so whatever else the 2 cores are doing at that moment (the",
    "other work on the machine, not the site) lengthens a task of a few milliseconds (parsing the page, one",
    "of the two deferred scripts) past 50 ms and counts it in Total Blocking Time, the metric with the",
    "largest weight (30 %). A Performance below 100 comes with a TBT above ~100 ms in that run while FCP,",
    "LCP and CLS stay green; runs on a quieter machine score 100 on every page. The Korean episode's style",
    "and layout time is the longest (probably the fresh browser loading its large system CJK font for the",
    "Hangul text: the site uses no web font), so it is the first to drop under load.",
    "The security headers are the production ones (web/security_headers.py and nginx's), unweakened.",
]


def install_lighthouse() -> None:
    """Install the pinned Lighthouse from its lock when node_modules is missing (no browser download)."""
    if LIGHTHOUSE_BIN.exists():
        return
    print("Installing Lighthouse: npm ci --prefix bench/lighthouse", file=sys.stderr)
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    subprocess.run(
        ["npm", "ci", "--prefix", str(LIGHTHOUSE_DIR), "--no-audit", "--no-fund"], check=True, env=env, timeout=600
    )


def make_app(instance: Path) -> Any:
    """Create the app on the instance folder with the production settings that matter; load the demo once."""
    from app import create_app
    from comics.demo.loader import load_demo
    from extensions import db

    cache_dir = instance / "cache"
    shutil.rmtree(cache_dir, ignore_errors=True)  # a reused instance: pages rendered by today's templates
    app = create_app(
        {
            "SECRET_KEY": secrets.token_hex(32),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'site.sqlite'}",
            "MEDIA_ROOT": str(instance / "media"),
            "CACHE_TYPE": "FileSystemCache",
            "CACHE_DIR": str(cache_dir),
            "RENDER_QUEUE": "inline",
            "RATELIMIT_ENABLED": False,
            # Views are written as they come, not in a batch flushed at exit, after the instance is gone.
            "STATS_FLUSH_INTERVAL": 0,
        }
    )
    with app.app_context():
        db.create_all()
        started = time.monotonic()
        if load_demo(progress=lambda message: print(message, file=sys.stderr)):
            print(f"Demo loaded in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return app


def warm(base: str, path: str, stack: Stack | None = None) -> None:
    """Request a page once so that it is in the page cache, as a visited page is in production."""
    if stack is None:
        request = urllib.request.Request(base + path, headers={"Accept-Encoding": "br, gzip"})
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
        return
    # The stack's host name is not in DNS: curl resolves it to loopback and trusts its certificate. The page's
    # images too, so that nginx's media cache holds them, as it holds a visited page's.
    port = base.rsplit(":", 1)[1]
    curl = ["curl", "--silent", "--fail", "--compressed", "--cacert", str(stack.certificate.cert), "--resolve", f"{HOST}:{port}:127.0.0.1"]
    page = subprocess.run([*curl, base + path], check=True, timeout=60, capture_output=True, text=True).stdout
    for media in sorted(set(re.findall(r"/media/[0-9a-f]{2}/[0-9a-f]+\.(?:avif|webp|jpg)", page))):
        subprocess.run([*curl, "--output", "/dev/null", base + media], check=True, timeout=60)


def renditions_made(stack: Stack) -> bool:
    """Tell whether the render worker has made every demo image's renditions."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(stack.env["FLASK_SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    try:
        with engine.connect() as connection:
            waiting = connection.execute(text("SELECT count(*) FROM stored_image WHERE render_state = 'pending'")).scalar_one()
    finally:
        engine.dispose()
    return bool(waiting == 0)


@contextmanager
def served_production(folder: Path) -> Iterator[tuple[str, Stack | None]]:
    """The production stack with the demo loaded and rendered; yield its base URL and the stack."""
    missing = services_missing()
    if missing:
        raise SystemExit(f"The production stack cannot start here: {missing}. Use --in-process to measure the app alone.")
    with production_stack(folder) as stack:
        wait_until(lambda: renditions_made(stack), "the render worker to make the demo's renditions", seconds=900)
        yield stack.base_url, stack


@contextmanager
def served_in_process(instance: Path) -> Iterator[tuple[str, Stack | None]]:
    """The app alone on werkzeug's threaded server, on a SQLite instance with the demo; yield its base URL."""
    app = make_app(instance.resolve())
    with live_server(app) as base:
        yield base, None


def run_lighthouse(url: str, output: Path, stack: Stack | None = None) -> dict[str, Any]:
    """Run the Lighthouse CLI once (mobile, simulated throttling, the defaults) and return its report."""
    flags = CHROME_FLAGS
    if stack is not None:
        # As the journeys' Chromium: the stack's host on loopback, its certificate trusted by its key.
        flags += (
            f" --host-resolver-rules='MAP {HOST} 127.0.0.1'"
            f" --ignore-certificate-errors-spki-list={stack.certificate.spki_sha256}"
        )
    command = [
        str(LIGHTHOUSE_BIN),
        url,
        "--output=json",
        f"--output-path={output}",
        f"--chrome-path={CHROMIUM}",
        f"--chrome-flags={flags}",
        "--quiet",
    ]
    # Lighthouse's trace recording fails now and then on a loaded machine (NO_NAVSTART, NO_FCP): try again.
    for attempt in range(1, ATTEMPTS + 1):
        output.unlink(missing_ok=True)
        finished = subprocess.run(command, timeout=300, env={**os.environ, "CHROME_PATH": CHROMIUM})
        report: dict[str, Any] = json.loads(output.read_text()) if output.exists() else {}
        if finished.returncode == 0 and report and not report.get("runtimeError"):
            return report
        print(f"Lighthouse failed on {url} (attempt {attempt} of {ATTEMPTS})", file=sys.stderr)
    raise RuntimeError(f"Lighthouse could not measure {url}: {report.get('runtimeError') or finished.returncode}")


def scores(report: dict[str, Any]) -> dict[str, float]:
    return {key: round(100 * (report["categories"][key]["score"] or 0)) for key, _ in CATEGORIES}


def metrics(report: dict[str, Any]) -> dict[str, float]:
    return {audit: report["audits"][audit]["numericValue"] for audit, _, _ in METRICS}


def failing_audits(report: dict[str, Any]) -> list[str]:
    """The scored audits of the four categories that did not pass, with Lighthouse's own summary."""
    failing = []
    for key, _ in CATEGORIES:
        for ref in report["categories"][key]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit["scoreDisplayMode"] in ("binary", "numeric", "metricSavings") and audit["score"] is not None and audit["score"] < 1:
                detail = audit.get("displayValue") or ""
                failing.append(f"{key}: {ref['id']} (score {audit['score']}, weight {ref['weight']}) {detail}".rstrip())
    return failing


def chromium_version() -> str:
    text = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=60).stdout
    match = re.search(r"Chromium ([\d.]+)", text)
    return match.group(1) if match else text.strip()


def score_cell(values: list[float]) -> str:
    """The median, and the range of the runs where they differ: "100", or "99 (95–100)"."""
    median = f"{statistics.median(values):.0f}"
    return median if min(values) == max(values) else f"{median} ({min(values):.0f}–{max(values):.0f})"


def fmt_metric(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"
    if unit == "bytes":
        return f"{value / 1024:.0f} KiB"
    return f"{value:.3f}"


def write_section(section: str) -> None:
    """Replace the "## Lighthouse (mobile)" section (up to the next "## " heading), or append it."""
    text = DOC.read_text() if DOC.exists() else ""
    start = text.find(f"\n{SECTION}\n")
    block = section.rstrip() + "\n"
    if start == -1:
        text = text.rstrip() + "\n\n" + block
    else:
        following = text.find("\n## ", start + 1)
        rest = "" if following == -1 else "\n" + text[following + 1:]
        text = text[: start + 1] + block + rest
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (the median is reported)")
    parser.add_argument("--in-process", action="store_true", help="measure the app alone on werkzeug (quick rounds), not the production stack")
    parser.add_argument("--instance", type=Path, help="with --in-process: keep the instance (demo loaded) in this folder and reuse it")
    parser.add_argument("--url", action="append", help="a page's path instead of the four pages (repeatable)")
    parser.add_argument("--no-write", action="store_true", help="print the figures without writing docs/performance.md")
    args = parser.parse_args()
    pages = args.url or PAGES

    install_lighthouse()
    lighthouse_version = subprocess.run(
        [str(LIGHTHOUSE_BIN), "--version"], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    RESULTS.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="lighthouse-") as temporary:
        if args.in_process:
            instance = args.instance or Path(temporary)
            instance.mkdir(parents=True, exist_ok=True)
            serving = served_in_process(instance)
        else:
            serving = served_production(Path(temporary))
        reports: dict[str, list[dict[str, Any]]] = {page: [] for page in pages}
        with serving as (base, stack):
            for page in pages:
                warm(base, page, stack)
            # Interleaved (each page once, then again) so that a burst of other load spreads over all pages.
            for run in range(1, args.runs + 1):
                for page in pages:
                    name = page.strip("/").replace("/", "_") or "home"
                    report = run_lighthouse(base + page, RESULTS / f"{name}.run{run}.json", stack)
                    reports[page].append(report)
                    print(f"run {run} {page}: {scores(report)}", file=sys.stderr)

    lines = [
        SECTION,
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make lighthouse` (bench/bench_lighthouse.py): Lighthouse "
        f"{lighthouse_version}, Chromium {chromium_version()} (Debian, headless), default mobile form factor "
        f"and simulated throttling; on {os.cpu_count()} cores. "
        + (SERVED_IN_PROCESS if args.in_process else SERVED_IN_PRODUCTION)
        + " "
        f"Each figure is the median of {args.runs} runs per page. Performance moves with the machine's other "
        "load (Lighthouse simulates a slow phone from a trace taken on this machine); the other categories do not.",
        "",
        "| Page | " + " | ".join(title for _, title in CATEGORIES) + " | " + " | ".join(column for _, column, _ in METRICS) + " |",
        "| --- |" + " ---: |" * (len(CATEGORIES) + len(METRICS)),
    ]
    for page in pages:
        runs = reports[page]
        score_cells = [score_cell([scores(r)[key] for r in runs]) for key, _ in CATEGORIES]
        metric_cells = [fmt_metric(statistics.median(metrics(r)[audit] for r in runs), unit) for audit, _, unit in METRICS]
        lines.append(f"| `{page}` | " + " | ".join(score_cells + metric_cells) + " |")
        failing = sorted({line for r in runs for line in failing_audits(r)})
        print(f"\n{page}: " + ("every scored audit passed in every run" if not failing else "failing audits:"), file=sys.stderr)
        for line in failing:
            print(f"  {line}", file=sys.stderr)
    lines += ["", *NOTES]
    section = "\n".join(lines) + "\n"
    print("\n" + section)
    if not args.no_write:
        write_section(section)
        print(f"Written into {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
