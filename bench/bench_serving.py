"""Serving benchmarks of issues 5 and 10, all in one run on loopback; figures go into docs/performance.md.

1. cached episode page vs a bare Flask app answering the same bytes and headers (req/s, target ≥ 0.9×);
   1a. vs an endpoint of the site returning them from memory (through every hook of the site);
   1b. the cached page with Redis as the page cache, vs the bare Flask app
2. cached vs uncached episode page (req/s, target ≥ 10×)
3. uncached episode page time with 100,000 episodes / 4 million panels vs 100 episodes, PostgreSQL
   (target ≤ 1.2×)
4. upload of a 40-slice episode: response time with the RQ queue vs rendering inline
5. 64 connections for 30 s on cached pages while an upload is processed: errors, p50, p99

Every server is the same `gunicorn -c gunicorn.conf.py` (the app plus one from-memory endpoint routed
like the episode page, bench/bench_wsgi.py; or, for the ceiling, bench/bare_wsgi.py); only FLASK_*
variables differ. Load comes from wrk on 127.0.0.1, and the servers' CPU time is read from /proc. The catalogues
are made with set-based SQL (bench/catalogue.py) in databases created for this run and dropped at the
end; every process started here is stopped here, and every wait has a deadline.

    .venv/bin/python bench/bench_serving.py [--quick]
"""
from __future__ import annotations

import argparse
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, suppress
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw  # the bench draws its own uploads

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import catalogue  # noqa: E402  (bench/ is on the path when run as a script)
from serving_load import BIN, WRK, Load, Server, get, gunicorn, measured_wrk, parse_wrk, rotating_script, wrk  # noqa: E402

MAINTENANCE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench_serving:start -->", "<!-- bench_serving:end -->"

EPISODE_SMALL = "/series/series-1/50/"
CACHED_PAGES = ["/", "/series/series-1/", EPISODE_SMALL, "/artists/mina/"]


# --- data ----------------------------------------------------------------------------------------


def base_env(database_url: str, work: Path, **settings: str) -> dict[str, str]:
    """Return the environment of one configuration: the same app, told by FLASK_* variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    env.update(
        FLASK_SECRET_KEY="bench-secret",
        FLASK_SQLALCHEMY_DATABASE_URI=database_url,
        FLASK_MEDIA_ROOT=str(work / "media"),
        FLASK_CACHE_TYPE="FileSystemCache",
        FLASK_CACHE_DIR=str(work / f"cache-{secrets.token_hex(3)}"),
    )
    env.update({f"FLASK_{key}": value for key, value in settings.items()})
    return env


def make_schema(database_url: str) -> None:
    """Create the tables the models describe (the same schema the migrations build)."""
    from app import create_app
    from extensions import db

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def slice_images(count: int, directory: Path) -> list[Path]:
    """Draw `count` 800 × 1280 panels with shapes and gradients, as PNG files, like an exported strip."""
    paths = []
    for n in range(count):
        image = Image.new("RGB", (800, 1280), (250, 246, 238))
        draw = ImageDraw.Draw(image)
        for y in range(0, 1280, 8):
            draw.line([(0, y), (800, y)], fill=(200 - y // 10 % 80, 180, 150 + n * 2 % 100), width=8)
        for k in range(12):
            x, y = (97 * (n + k)) % 700, (131 * (n * 3 + k)) % 1180
            draw.ellipse((x, y, x + 90, y + 90), fill=(40 + 15 * k, 90, 200 - 10 * k), outline="black", width=3)
        draw.rectangle((30, 30, 770, 1250), outline="black", width=6)
        draw.text((60, 60), f"Slice {n + 1}", fill="black")
        path = directory / f"slice-{n + 1:02d}.png"
        image.save(path)
        paths.append(path)
    return paths


# --- the benchmarks ------------------------------------------------------------------------------


# Set per connection or per response by the server, not by the app: not compared.
_SERVER_HEADERS = {"date", "server", "connection", "keep-alive", "content-length"}


def app_headers(url: str) -> tuple[bytes, list[tuple[str, str]]]:
    """Return the body and the app's own headers of a page, in order."""
    with urllib.request.urlopen(url, timeout=60) as response:
        headers = [(name, value) for name, value in response.headers.items() if name.lower() not in _SERVER_HEADERS]
        return response.read(), headers


def bench_throughput(targets: dict[str, tuple[Server, str]], *, rounds: int, seconds: int, log: list[str]) -> dict[str, list[Load]]:
    """Benchmarks 1 and 2: interleaved rounds of each way of answering the episode page."""
    for _, url in targets.values():  # warm every worker's imports, the page cache and the captured bytes
        wrk(url, connections=8, seconds=2)
    cached = app_headers(targets["cached page"][1])
    assert get(targets["same bytes from memory"][1])[2] == cached[0], "not the same bytes"
    assert app_headers(targets["bare Flask app"][1]) == cached, "not the same bytes and headers"
    results: dict[str, list[Load]] = {name: [] for name in targets}
    names = list(targets)
    for round_number in range(rounds):
        # Forwards, then backwards: neighbours stay neighbours (the cached page and its bare ceiling),
        # and a drift in the machine's load does not always favour the one that goes first.
        for name in names if round_number % 2 == 0 else names[::-1]:
            server, url = targets[name]
            load = measured_wrk(server, url, connections=32, seconds=seconds)
            results[name].append(load)
            log.append(
                f"round {round_number + 1} {name}: {load.requests_per_second:.0f} req/s, "
                f"{load.cpu_us_per_request:.0f} µs CPU per request, errors {load.errors}"
            )
            print(log[-1], flush=True)
    return results


def bench_scale(
    small: Server, large: Server, large_episode: str, *, rounds: int, seconds: int, log: list[str]
) -> dict[str, list[Load]]:
    """Benchmark 3: one connection at a time, the uncached episode page on both catalogues."""
    targets = {"100 episodes": small.base + EPISODE_SMALL, "100,000 episodes": large.base + large_episode}
    for url in targets.values():
        assert get(url)[0] == 200
        wrk(url, connections=1, threads=1, seconds=2)
    results: dict[str, list[Load]] = {name: [] for name in targets}
    for round_number in range(rounds):
        for name, url in targets.items():
            load = wrk(url, connections=1, threads=1, seconds=seconds)
            results[name].append(load)
            log.append(f"round {round_number + 1} {name}: p50 {load.p50_ms:.2f} ms, {load.requests_per_second:.0f} req/s")
            print(log[-1], flush=True)
    return results


def timed_upload(database_url: str, work: Path, files: list[Path], series_slug: str, **settings: object) -> float:
    """Import the files as a draft episode in this process, as the upload request does; return seconds."""
    from app import create_app
    from comics.catalogue import create_episode
    from comics.images.ingest import Upload
    from comics.models import Series
    from extensions import db

    app = create_app({
        "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url, "MEDIA_ROOT": str(work / "media"),
        "CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True, **settings,
    })
    with app.app_context():
        series = db.session.query(Series).filter_by(slug=series_slug).one()
        uploads = [Upload(path.name, path.read_bytes()) for path in files]
        started = time.perf_counter()
        create_episode(series, f"Upload {secrets.token_hex(2)}", uploads)
        elapsed = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return elapsed


def add_series(database_url: str, slug: str) -> None:
    from sqlalchemy import text

    engine = catalogue.engine_for(database_url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO series (slug, title, summary, artist_id, language, status, created_at) "
            f"VALUES ('{slug}', 'Uploads', '', 1, 'en', 'ongoing', now() AT TIME ZONE 'utc')"
        ))
    engine.dispose()


def delete_redis_keys(pattern: str) -> None:
    """Delete this run's keys (its render queue, its page cache) from the benchmarks' Redis."""
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(match=pattern):
        connection.delete(key)
    connection.close()


def run_worker(env: dict[str, str], log_dir: Path, name: str, timeout: int = 900) -> float:
    """Run `flask render-worker --burst` until the queue is empty; return seconds."""
    started = time.perf_counter()
    with open(log_dir / f"worker-{name}.log", "wb") as log:
        subprocess.run([str(BIN / "flask"), "--app", "app", "render-worker", "--burst"], cwd=ROOT, env=env,
                       stdout=log, stderr=subprocess.STDOUT, timeout=timeout, check=True)
    return time.perf_counter() - started


# --- the report ----------------------------------------------------------------------------------


def machine() -> str:
    model = "unknown CPU"
    with suppress(OSError, StopIteration), open("/proc/cpuinfo") as cpuinfo:
        model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores ({model}), Python {platform.python_version()}, {platform.system()} {platform.release()}"


def median(values: list[float]) -> float:
    return statistics.median(values)


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def write_report(report: str) -> None:
    text = DOC.read_text() if DOC.exists() else ""
    block = f"{START}\n{report.rstrip()}\n{END}"
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short smoke run with a small 'large' catalogue; writes nothing")
    parser.add_argument("--redis-cache", action="store_true",
                        help="only benchmark 1b (cached page with Redis, with the file cache and the bare Flask app beside it)")
    args = parser.parse_args()
    if args.redis_cache:
        main_redis_cache(quick=args.quick)
        return
    rounds, seconds = (1, 3) if args.quick else (5, 8)
    load_before = os.getloadavg()
    large_series = 20 if args.quick else 1000
    load_seconds = 8 if args.quick else 30
    log: list[str] = []
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="webtoon-bench-")))
        logs = ROOT / "bench" / "results"
        logs.mkdir(parents=True, exist_ok=True)

        small_url = catalogue.create_database(MAINTENANCE_URL, "small")
        stack.callback(catalogue.drop_database, MAINTENANCE_URL, small_url)
        large_url = catalogue.create_database(MAINTENANCE_URL, "large")
        stack.callback(catalogue.drop_database, MAINTENANCE_URL, large_url)
        build: dict[str, dict[str, float]] = {}
        counts: dict[str, dict[str, int]] = {}
        for label, url, series in (("small", small_url, 1), ("large", large_url, large_series)):
            make_schema(url)
            engine = catalogue.engine_for(url)
            started = time.perf_counter()
            build[label] = catalogue.populate(engine, series=series, episodes_per_series=100, panels_per_episode=40)
            build[label]["total"] = time.perf_counter() - started
            counts[label] = catalogue.row_counts(engine)
            engine.dispose()
            print(f"{label} catalogue: {counts[label]} in {build[label]['total']:.1f} s", flush=True)

        workers = os.environ.get("WEB_CONCURRENCY") or str((os.cpu_count() or 1) * 2 + 1)
        cached = stack.enter_context(gunicorn("cached", base_env(small_url, work), logs))
        # The same site with Redis as the page cache (several machines): a hit reads the version there.
        redis_prefix = f"webtoon-bench-{secrets.token_hex(3)}:"
        stack.callback(delete_redis_keys, f"{redis_prefix}*")
        redis_cached = stack.enter_context(gunicorn(
            "cached-redis",
            base_env(small_url, work, CACHE_TYPE="RedisCache", CACHE_REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=redis_prefix),
            logs,
        ))
        uncached = stack.enter_context(gunicorn("uncached", base_env(small_url, work, CACHE_TYPE="NullCache"), logs))
        large = stack.enter_context(gunicorn("large-uncached", base_env(large_url, work, CACHE_TYPE="NullCache"), logs))
        # A bare Flask app answering the cached server's episode page, bytes and headers (bench/bare_wsgi.py).
        bare = stack.enter_context(gunicorn(
            "bare", {**base_env(small_url, work), "BENCH_BARE_SOURCE": cached.base + EPISODE_SMALL}, logs,
            app="bare_wsgi:app", ready_path=EPISODE_SMALL,
        ))
        page_bytes = len(get(cached.base + EPISODE_SMALL)[2])
        postgres_version = _server_version(small_url)

        throughput = bench_throughput(
            {
                "cached page": (cached, cached.base + EPISODE_SMALL),
                "bare Flask app": (bare, bare.base + EPISODE_SMALL),
                "same bytes from memory": (cached, cached.base + "/bench" + EPISODE_SMALL),
                "cached page, Redis": (redis_cached, redis_cached.base + EPISODE_SMALL),
                "uncached page": (uncached, uncached.base + EPISODE_SMALL),
            },
            rounds=rounds, seconds=seconds, log=log,
        )
        # An episode in the middle of the middle series of the large catalogue.
        scale = bench_scale(uncached, large, f"/series/series-{large_series // 2}/50/", rounds=rounds, seconds=seconds, log=log)

        # Benchmark 4: the same 40 slices imported inline, then with the queue (and the worker's time).
        files = slice_images(40, work)
        add_series(small_url, "uploads")
        inline_seconds = timed_upload(small_url, work, files, "uploads", RENDER_QUEUE="inline")
        print(f"upload inline: {inline_seconds:.2f} s", flush=True)
        queue_name = f"webtoon-bench-{secrets.token_hex(3)}"
        queued = {"RENDER_QUEUE": "rq", "RQ_REDIS_URL": REDIS_URL, "RQ_QUEUE_NAME": queue_name}
        queued_seconds = timed_upload(small_url, work, files, "uploads", **queued)
        print(f"upload with the queue: {queued_seconds:.2f} s", flush=True)
        worker_env = base_env(small_url, work, **queued)
        worker_seconds = run_worker(worker_env, logs, "upload")
        print(f"worker: {worker_seconds:.2f} s", flush=True)

        # Benchmark 5: 64 connections on the cached pages, first alone, then while an upload is processed.
        script = rotating_script(CACHED_PAGES, work)
        for path in CACHED_PAGES:
            get(cached.base + path)
        quiet = wrk(cached.base, connections=64, seconds=load_seconds, script=script)
        print(f"64 connections, quiet: {quiet}", flush=True)
        upload_dir = work / "upload5"
        upload_dir.mkdir()
        for file in files:
            shutil.copy(file, upload_dir / file.name)
        with open(logs / "upload-during-load.log", "wb") as upload_log:
            load_process = subprocess.Popen(
                [WRK, "-t2", "-c64", f"-d{load_seconds}s", "--latency", "--timeout", "10s", "-s", str(script), cached.base],
                stdout=subprocess.PIPE, text=True,
            )
            time.sleep(1)
            upload_started = time.perf_counter()
            subprocess.run(
                [str(BIN / "flask"), "--app", "app", "import-episode", "uploads", *map(str, sorted(upload_dir.iterdir())),
                 "--title", "Uploaded under load"],
                cwd=ROOT, env=worker_env, stdout=upload_log, stderr=subprocess.STDOUT, timeout=300, check=True,
            )
            upload_under_load = time.perf_counter() - upload_started
            worker = subprocess.Popen(
                [str(BIN / "flask"), "--app", "app", "render-worker", "--burst"], cwd=ROOT, env=worker_env,
                stdout=upload_log, stderr=subprocess.STDOUT,
            )
            output, _ = load_process.communicate(timeout=load_seconds + 120)
            try:
                worker.wait(timeout=900)
            finally:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGTERM)
                    worker.wait(timeout=30)
            rendered_under_load = time.perf_counter() - upload_started
        busy = parse_wrk(output)
        print(f"64 connections, during the upload: {busy}", flush=True)
        delete_redis_keys(f"*{queue_name}*")

    if args.quick:
        print("\n".join(log))
        return

    load_after = os.getloadavg()
    rps = {name: median([load.requests_per_second for load in loads]) for name, loads in throughput.items()}
    cpu = {name: median([load.cpu_us_per_request or 0.0 for load in loads]) for name, loads in throughput.items()}
    cached_rps, bare_rps, redis_rps = rps["cached page"], rps["bare Flask app"], rps["cached page, Redis"]
    memory_rps, uncached_rps = rps["same bytes from memory"], rps["uncached page"]
    small_ms = median([load.p50_ms for load in scale["100 episodes"]])
    large_ms = median([load.p50_ms for load in scale["100,000 episodes"]])
    ratio1, ratio2, ratio3 = cached_rps / bare_rps, cached_rps / uncached_rps, large_ms / small_ms
    ratio1a, ratio1b = cached_rps / memory_rps, redis_rps / bare_rps
    cpu_of = lambda *names: " vs ".join(f"{cpu[name]:.0f}" for name in names) + " µs"  # noqa: E731
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = lambda name, loads: " / ".join(f"{load.requests_per_second:,.0f}" for load in loads)  # noqa: E731
    report = f"""
## Serving benchmarks (bench/bench_serving.py)

Run {now} on {machine()}. One gunicorn configuration for every server (`gunicorn.conf.py`: {workers}
workers × 4 threads, gthread); PostgreSQL {postgres_version} on 127.0.0.1, Redis for the queue;
the page cache is the default FileSystemCache. Load from wrk on 127.0.0.1 (2 threads; 32 connections
unless said). Each figure is the median of {rounds} interleaved rounds of {seconds} s (the servers in turn, forwards
then backwards). The machine was
shared with other work (load average {load_before[0]:.1f} when the run started, {load_after[0]:.1f} when it
ended, on 2 cores), which is why rounds are interleaved and only ratios are compared. The episode page
is {page_bytes:,} bytes of HTML (40 panels, each a `<picture>` with AVIF, WebP and JPEG at 3 widths).
Benchmark 1 compares the cached page with a bare Flask app (bench/bare_wsgi.py: no extension, no
hook, one route) answering the very bytes and headers the cached server sent, under the same gunicorn
settings: what the site costs beyond Flask itself. 1a compares it with an endpoint of the site
(`/bench/series/<slug>/<number>/`, routed like the episode page) returning the same bytes from
memory, which runs every request hook of the site's extensions; 1b is the cached page with Redis as
the page cache, where each hit reads the content version from Redis. The CPU column is the time the
server's processes spent per request (user and system, from /proc), which moves much less than
requests per second when the machine is busy.

| # | measure | result | CPU per request | target | |
| --- | --- | --- | --- | --- | --- |
| 1 | cached episode page vs a bare Flask app with the same answer | {cached_rps:,.0f} vs {bare_rps:,.0f} req/s = **{ratio1:.2f}×** | {cpu_of("cached page", "bare Flask app")} | ≥ 0.9× | {verdict(ratio1 >= 0.9)} |
| 1a | cached episode page vs the same bytes from an endpoint of the site | {cached_rps:,.0f} vs {memory_rps:,.0f} req/s = **{ratio1a:.2f}×** | {cpu_of("cached page", "same bytes from memory")} | ≥ 0.9× | {verdict(ratio1a >= 0.9)} |
| 1b | cached episode page, Redis as the page cache, vs the bare Flask app | {redis_rps:,.0f} vs {bare_rps:,.0f} req/s = **{ratio1b:.2f}×** | {cpu_of("cached page, Redis", "bare Flask app")} | — | |
| 2 | cached vs uncached episode page | {cached_rps:,.0f} vs {uncached_rps:,.0f} req/s = **{ratio2:.1f}×** | {cpu_of("cached page", "uncached page")} | ≥ 10× | {verdict(ratio2 >= 10)} |
| 3 | uncached episode page, 100,000 vs 100 episodes (p50, one connection) | {large_ms:.2f} vs {small_ms:.2f} ms = **{ratio3:.2f}×** | | ≤ 1.2× | {verdict(ratio3 <= 1.2)} |
| 4 | upload of 40 slices (800 × 1280 PNG): answer with the RQ queue vs inline | **{queued_seconds:.2f} s vs {inline_seconds:.2f} s** ({inline_seconds / queued_seconds:.0f}× sooner); the worker then took {worker_seconds:.1f} s | | — | |
| 5 | 64 connections, {load_seconds} s, cached pages, during an upload | **{busy.errors} errors**, p50 {busy.p50_ms:.1f} ms, p99 {busy.p99_ms:.1f} ms, {busy.requests_per_second:,.0f} req/s | | zero errors | {verdict(busy.errors == 0)} |

Rounds (req/s): cached {rows("", throughput["cached page"])}; bare Flask app
{rows("", throughput["bare Flask app"])}; from memory {rows("", throughput["same bytes from memory"])};
cached with Redis {rows("", throughput["cached page, Redis"])}; uncached {rows("", throughput["uncached page"])}.
Cached page ÷ bare Flask app, round by round: {" / ".join(f"{cached.requests_per_second / bare.requests_per_second:.2f}" for cached, bare in zip(throughput["cached page"], throughput["bare Flask app"], strict=True))}.
Scale rounds (p50 ms): 100 episodes {" / ".join(f"{load.p50_ms:.2f}" for load in scale["100 episodes"])};
100,000 episodes {" / ".join(f"{load.p50_ms:.2f}" for load in scale["100,000 episodes"])}.

Catalogues (set-based SQL, bench/catalogue.py): small {_counts(counts["small"])}, built in
{build["small"]["total"]:.1f} s; large {_counts(counts["large"])}, built in {build["large"]["total"]:.1f} s
(panels {build["large"]["panel"]:.1f} s, VACUUM ANALYZE {build["large"]["vacuum analyze"]:.1f} s).

Benchmark 5 in detail: the same 64-connection load on the four cached pages (home, series, episode,
artist) without an upload gave {quiet.errors} errors, p50 {quiet.p50_ms:.1f} ms, p99 {quiet.p99_ms:.1f} ms,
{quiet.requests_per_second:,.0f} req/s. During the run, `flask import-episode` stored the 40 masters and
queued them in {upload_under_load:.1f} s and one `flask render-worker --burst` made every rendition; the
import and the rendering together took {rendered_under_load:.1f} s from the start of the upload. Every
commit of theirs bumped the content version, so the pages were rendered again
{"during" if rendered_under_load < load_seconds else "during and after"} the load.
"""
    write_report(report)
    print(report)




REDIS_START, REDIS_END = "<!-- bench_serving_redis:start -->", "<!-- bench_serving_redis:end -->"


def main_redis_cache(*, quick: bool) -> None:
    """Benchmark 1b alone (`--redis-cache`): the cached episode page with Redis as the page cache and with
    the default file cache, against the bare Flask app, in interleaved rounds; figures into
    docs/performance.md between their own markers."""
    rounds, seconds = (1, 3) if quick else (7, 8)
    load_before = os.getloadavg()
    log: list[str] = []
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="webtoon-bench-")))
        logs = ROOT / "bench" / "results"
        logs.mkdir(parents=True, exist_ok=True)
        small_url = catalogue.create_database(MAINTENANCE_URL, "small")
        stack.callback(catalogue.drop_database, MAINTENANCE_URL, small_url)
        make_schema(small_url)
        engine = catalogue.engine_for(small_url)
        catalogue.populate(engine, series=1, episodes_per_series=100, panels_per_episode=40)
        engine.dispose()
        workers = os.environ.get("WEB_CONCURRENCY") or str((os.cpu_count() or 1) * 2 + 1)
        cached = stack.enter_context(gunicorn("cached", base_env(small_url, work), logs))
        redis_prefix = f"webtoon-bench-{secrets.token_hex(3)}:"
        stack.callback(delete_redis_keys, f"{redis_prefix}*")
        redis_cached = stack.enter_context(gunicorn(
            "cached-redis",
            base_env(small_url, work, CACHE_TYPE="RedisCache", CACHE_REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=redis_prefix),
            logs,
        ))
        bare = stack.enter_context(gunicorn(
            "bare", {**base_env(small_url, work), "BENCH_BARE_SOURCE": redis_cached.base + EPISODE_SMALL}, logs,
            app="bare_wsgi:app", ready_path=EPISODE_SMALL,
        ))
        targets = {
            "cached page, Redis": (redis_cached, redis_cached.base + EPISODE_SMALL),
            "bare Flask app": (bare, bare.base + EPISODE_SMALL),
            "cached page, files": (cached, cached.base + EPISODE_SMALL),
        }
        for _, url in targets.values():
            wrk(url, connections=8, seconds=2)
        assert app_headers(targets["bare Flask app"][1]) == app_headers(targets["cached page, Redis"][1]), "not the same answer"
        page_bytes = len(get(redis_cached.base + EPISODE_SMALL)[2])
        results: dict[str, list[Load]] = {name: [] for name in targets}
        names = list(targets)
        redis_commands = 0
        for round_number in range(rounds):
            for name in names if round_number % 2 == 0 else names[::-1]:
                server, url = targets[name]
                commands_before = _redis_commands()
                load = measured_wrk(server, url, connections=32, seconds=seconds)
                if name == "cached page, Redis":
                    redis_commands += _redis_commands() - commands_before
                results[name].append(load)
                log.append(f"round {round_number + 1} {name}: {load.requests_per_second:.0f} req/s, "
                           f"{load.cpu_us_per_request:.0f} µs CPU per request, errors {load.errors}")
                print(log[-1], flush=True)
    if quick:
        return
    redis_requests = sum(load.requests_per_second * seconds for load in results["cached page, Redis"])
    load_after = os.getloadavg()
    rps = {name: median([load.requests_per_second for load in loads]) for name, loads in results.items()}
    cpu = {name: median([load.cpu_us_per_request or 0.0 for load in loads]) for name, loads in results.items()}
    ratio_redis = rps["cached page, Redis"] / rps["bare Flask app"]
    ratio_files = rps["cached page, files"] / rps["bare Flask app"]
    cpu_ratio = cpu["bare Flask app"] / cpu["cached page, Redis"]
    per_round = " / ".join(
        f"{redis_load.requests_per_second / bare_load.requests_per_second:.2f}"
        for redis_load, bare_load in zip(results["cached page, Redis"], results["bare Flask app"], strict=True)
    )
    rows = lambda name: " / ".join(f"{load.requests_per_second:,.0f}" for load in results[name])  # noqa: E731
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = f"""
## Redis as the page cache (bench/bench_serving.py --redis-cache)

Run {now} on {machine()}; gunicorn.conf.py ({workers} workers × 4 threads), PostgreSQL on 127.0.0.1,
Redis {_redis_version()} on 127.0.0.1; wrk, 32 connections, {rounds} interleaved rounds of {seconds} s
(load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end, on 2 cores shared with
other work). The same episode page as benchmark 1 ({page_bytes:,} bytes of HTML, 40 panels),
its bytes and headers answered by the bare Flask app of bench/bare_wsgi.py. Each worker holds the
content version in memory, renewed by a Redis channel (web/page_cache/version_feed.py): a hit reads no Redis.

| measure | result | CPU per request | target | |
| --- | --- | --- | --- | --- |
| cached episode page, Redis as the page cache, vs the bare Flask app | {rps["cached page, Redis"]:,.0f} vs {rps["bare Flask app"]:,.0f} req/s = **{ratio_redis:.2f}×** | {cpu["cached page, Redis"]:.0f} vs {cpu["bare Flask app"]:.0f} µs | ≥ 0.95× | {verdict(ratio_redis >= 0.95)} |
| cached episode page, file cache, vs the bare Flask app (same run) | {rps["cached page, files"]:,.0f} vs {rps["bare Flask app"]:,.0f} req/s = **{ratio_files:.2f}×** | {cpu["cached page, files"]:.0f} vs {cpu["bare Flask app"]:.0f} µs | — | |

Rounds (req/s): Redis {rows("cached page, Redis")}; bare Flask app {rows("bare Flask app")}; file
cache {rows("cached page, files")}. Redis ÷ bare, round by round: {per_round}. By CPU per request,
the steadier figure on a shared machine, the Redis-cached page costs {1 / cpu_ratio:.2f}× what the bare
Flask app costs (a throughput of {cpu_ratio:.2f}× on a machine of its own). Redis processed
{redis_commands:,} commands during the Redis rounds' {redis_requests:,.0f} requests (from every client of
that server, other work's included): {redis_commands / max(redis_requests, 1):.4f} per hit.
"""
    text = DOC.read_text()
    block = f"{REDIS_START}\n{report.strip()}\n{REDIS_END}"
    if REDIS_START in text and REDIS_END in text:
        text = text[: text.index(REDIS_START)] + block + text[text.index(REDIS_END) + len(REDIS_END):]
    else:
        text = text.replace(END, END + "\n\n" + block, 1) if END in text else text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)
    print(report)


def _redis_commands() -> int:
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    commands = int(connection.info("stats")["total_commands_processed"])
    connection.close()
    return commands


def _redis_version() -> str:
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    version = str(connection.info("server")["redis_version"])
    connection.close()
    return version


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{count:,} {table.replace('_', ' ')} rows" for table, count in counts.items())


def _server_version(url: str) -> str:
    from sqlalchemy import text

    engine = catalogue.engine_for(url)
    with engine.connect() as connection:
        version = str(connection.scalar(text("SHOW server_version")))
    engine.dispose()
    return version.split()[0]


if __name__ == "__main__":
    main()
