"""Waiting in tests: on the condition itself, never for a length of time.

A test that needs something to happen (a server to answer, a file to go, a log line, a page's state)
waits for that very thing. HANG_GUARD is no wait: it only ends a test whose condition never comes, and
it is long enough that a loaded machine never reaches it (`make test` passes with both cores held by
busy loops: README, "Testing"). No test asserts how long something took: benchmarks live in bench/.
"""
from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable

HANG_GUARD = 120.0  # seconds
HANG_GUARD_MS = HANG_GUARD * 1000  # Playwright counts in milliseconds


def wait_until(condition: Callable[[], object], what: str, seconds: float = HANG_GUARD) -> None:
    """Return once condition() is true; fail naming `what` if it is still false after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {seconds:.0f} s for {what}")
        time.sleep(0.02)  # how often to look, not how long to wait


def stop(process: subprocess.Popen[bytes]) -> bytes:
    """Stop a server as its service manager would (SIGTERM), wait for it to exit, and return what it
    wrote to stderr (if piped). One that hangs is killed, and the test fails."""
    process.send_signal(signal.SIGTERM)
    try:
        _, errors = process.communicate(timeout=HANG_GUARD)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return errors or b""
