"""Readers' latency through nginx while 64 uploads trickle in a byte a second, against the same readers
alone (issue 24); figures go into docs/performance.md.

It runs the journey suite's production stack (tests/journeys/stack.py: nginx through
docs/nginx/webtoon.conf, gunicorn.conf.py with 2 workers × 4 threads, PostgreSQL, Redis, a render
worker, the demo), so what is measured is what is documented and tested. Readers are 4 keep-alive
HTTPS connections asking for the home, series and episode pages in turn; each round lets them make
their requests once alone and once while the slow uploads are held open, in alternating order.
Every process started here is stopped here (the stack's own cleanup), and every wait has a deadline.

    .venv/bin/python bench/bench_slow_clients.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_serving import machine  # noqa: E402  (bench/ is on the path when run as a script)

from tests.journeys.slow_clients import Readings, read_pages, slow_uploads  # noqa: E402
from tests.journeys.stack import production_stack, services_missing  # noqa: E402
from tests.journeys.test_slow_clients import SLOW_UPLOADS, reader_paths  # noqa: E402
from tests.waiting import wait_until  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench_slow_clients:start -->", "<!-- bench_slow_clients:end -->"
READERS = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one short round; writes nothing")
    args = parser.parse_args()
    rounds, requests_each = (1, 50) if args.quick else (3, 500)
    missing = services_missing()
    if missing:
        raise SystemExit(f"the stack cannot start: {missing}")
    load_before = os.getloadavg()
    alone, loaded = Readings(), Readings()
    trickled = 0
    with tempfile.TemporaryDirectory(prefix="webtoon-slow-clients-") as folder, production_stack(Path(folder)) as stack:
        paths = reader_paths(stack)
        read_pages(stack, paths, readers=READERS, requests_each=20)  # every page cached, every worker warm
        for round_number in range(rounds):
            for slow in (False, True) if round_number % 2 == 0 else (True, False):
                if slow:
                    with slow_uploads(stack, SLOW_UPLOADS) as uploads:
                        wait_until(lambda uploads=uploads: uploads.sent >= 2, "the slow uploads to start")  # type: ignore[misc]
                        readings = read_pages(stack, paths, readers=READERS, requests_each=requests_each)
                        held = SLOW_UPLOADS - len(uploads.answered())
                        trickled = max(trickled, uploads.sent)
                    target = loaded
                else:
                    readings = read_pages(stack, paths, readers=READERS, requests_each=requests_each)
                    target = alone
                target.seconds += readings.seconds
                target.errors += readings.errors
                print(
                    f"round {round_number + 1}, {'64 slow uploads' if slow else 'alone'}: {readings.summary()}"
                    + (f"; {held} uploads still held open at the end" if slow else ""),
                    flush=True,
                )
        stack.check_running()
    if args.quick:
        return
    load_after = os.getloadavg()
    ratio = loaded.percentile(0.99) / alone.percentile(0.99)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = f"""
## Slow clients behind nginx (bench/bench_slow_clients.py)

Run {now} on {machine()}, load average {load_before[0]:.1f} at the start and {load_after[0]:.1f} at the
end (2 cores shared with other work). The journey suite's stack: nginx through docs/nginx/webtoon.conf,
gunicorn.conf.py with 2 workers × 4 threads (8 requests at once), PostgreSQL, Redis as the page cache.
{READERS} readers on keep-alive HTTPS connections ask for {len(paths)} pages in turn (home, series,
episodes; cached), {requests_each} requests each per round, {rounds} rounds, alone and while
{SLOW_UPLOADS} uploads to the studio send their bodies a byte a second (up to {trickled} bytes each
by the end of a round, every one still unanswered: nginx was holding them).

| readers | requests | p50 | p99 | slowest | errors | target |
| --- | --- | --- | --- | --- | --- | --- |
| alone | {len(alone.seconds)} | {_ms(alone.percentile(0.5))} | {_ms(alone.percentile(0.99))} | {_ms(max(alone.seconds))} | {len(alone.errors)} | |
| with {SLOW_UPLOADS} slow uploads | {len(loaded.seconds)} | {_ms(loaded.percentile(0.5))} | **{_ms(loaded.percentile(0.99))}** | {_ms(max(loaded.seconds))} | {len(loaded.errors)} | p99 < 100 ms: {"met" if loaded.percentile(0.99) < 0.1 else "**missed**"} |

p99 with the slow uploads ÷ p99 alone: **{ratio:.2f}×**. Before this change (`proxy_request_buffering
off`), eight such uploads on `make run`'s gunicorn made 9 of 16 readers wait more than 10 s (issue 24).
The slow uploads are sent by a thread of the readers' own Python process, and nginx
decrypts their 64 TLS streams on the same 2 cores: part of the difference is the benchmark's own.
"""
    text = DOC.read_text()
    block = f"{START}\n{report.strip()}\n{END}"
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)
    print(report)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


if __name__ == "__main__":
    main()
